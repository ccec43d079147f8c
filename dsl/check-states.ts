/**
 * Checks on the state tree itself: `initial`s, state kinds (compound, parallel, final),
 * outcomes, transition targets and states with no way out. Pure.
 */
import { asRecord, hasOwn, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';
import {
  allStatePaths,
  childrenAt,
  childStates,
  forEachState,
  hasChildren,
  isFinal,
  isParallel,
  resolveTarget,
  stateAt,
  visibleNames,
  type StatePath,
} from './state-tree';
import { didYouMean, listNames, suggest } from './suggest';
import { processTransitions } from './process-events';
import { definitionPath, transitionsOf, type TransitionRef } from './transitions';
import type { StateSpec } from './types';

export function checkStates(def: JsonRecord, reporter: Reporter): void {
  const root = asRecord(def.states) as Record<string, StateSpec>;
  if (typeof def.initial === 'string' && !hasOwn(childrenAt(root, []), def.initial)) {
    reporter.report('UNKNOWN_INITIAL', ['initial'], unknownChild(def.initial, childrenAt(root, []), 'top-level states'));
  }
  const processWide = processTransitions(def);
  checkTransitionTargets([], processWide, root, reporter);
  forEachState(root, (path, spec) => {
    checkTargets(path, spec, root, reporter);
    // A misspelled `type` is reported by the schema; guessing the kind would only add noise.
    if (spec.type !== undefined && !isParallel(spec) && !isFinal(spec)) return;
    checkKind(path, spec, reporter);
    // A process-wide transition with a target leaves any state.
    if (!processWide.some((t) => typeof t.spec.target === 'string')) checkWayOut(path, spec, root, reporter);
  });
}

function checkKind(path: StatePath, spec: StateSpec, reporter: Reporter): void {
  const at = definitionPath(path);
  const name = path[path.length - 1];
  const children = childStates(spec);
  const compound = hasChildren(spec);
  if (isParallel(spec) && !compound) {
    reporter.report(
      'EMPTY_PARALLEL',
      [...at, 'type'],
      `parallel state "${name}" has no child states; add one state per region under states`,
    );
  }
  if (typeof spec.initial === 'string') {
    if (isParallel(spec)) {
      reporter.report('INITIAL_NOT_ALLOWED', [...at, 'initial'], `parallel state "${name}" enters all its children; remove initial`);
    } else if (!compound) {
      reporter.report(
        'INITIAL_NOT_ALLOWED',
        [...at, 'initial'],
        `state "${name}" has no child states to start in; remove initial or add states`,
      );
    } else if (!hasOwn(children, spec.initial)) {
      reporter.report('UNKNOWN_INITIAL', [...at, 'initial'], unknownChild(spec.initial, children, `children of "${name}"`));
    }
  } else if (compound && !isParallel(spec) && !isFinal(spec)) {
    const first = Object.keys(children)[0];
    reporter.report('MISSING_INITIAL', at, `state "${name}" has child states but no initial; add initial: ${first} (or type: parallel)`, {
      key: true,
    });
  }
  if (isFinal(spec)) {
    const extra = (['states', 'on', 'always', 'after', 'invoke'] as const).filter((k) => spec[k] !== undefined);
    if (extra.length > 0) {
      reporter.report(
        'INVALID_FINAL_STATE',
        [...at, extra[0]],
        `final state "${name}" cannot have ${extra.join(', ')}; a final state ends its process or region`,
        { key: true },
      );
    }
  }
  if (spec.outcome !== undefined && !isFinal(spec)) {
    reporter.report(
      'OUTCOME_NOT_FINAL',
      [...at, 'outcome'],
      `state "${name}" is not final, so its outcome is never reported; add type: final or remove outcome`,
      { key: true },
    );
  }
  if (path.length === 1 && isFinal(spec) && spec.outcome === undefined) {
    reporter.report('MISSING_OUTCOME', at, `final state "${name}" needs an outcome (the case result, e.g. outcome: ${name})`, {
      key: true,
    });
  }
}

function checkTargets(path: StatePath, spec: StateSpec, root: Record<string, StateSpec>, reporter: Reporter): void {
  checkTransitionTargets(path, transitionsOf(path, spec), root, reporter);
}

function checkTransitionTargets(path: StatePath, transitions: TransitionRef[], root: Record<string, StateSpec>, reporter: Reporter): void {
  for (const t of transitions) {
    const target = t.spec.target;
    if (typeof target !== 'string' || target === '' || resolveTarget(path, target, root)) continue;
    reporter.report('UNKNOWN_TARGET', t.targetPath, `unknown state "${target}"${targetHint(path, target, root)}`);
  }
}

/** The nearest name visible from the source, else a dotted path to a state of that name. */
function targetHint(source: StatePath, target: string, root: Record<string, StateSpec>): string {
  const paths = allStatePaths(root);
  if (target.includes('.')) return didYouMean(target, paths);
  const near = suggest(target, visibleNames(source, root));
  if (near) return ` (did you mean "${near}"?)`;
  const nested = paths.find((p) => p.endsWith(`.${target}`));
  if (nested) return ` (did you mean "${nested}"? nested states are named by their dotted path)`;
  const lastNames = paths.map((p) => p.slice(p.lastIndexOf('.') + 1));
  const similar = suggest(target, lastNames);
  if (similar) return ` (did you mean "${paths[lastNames.indexOf(similar)]}"?)`;
  return ` (states visible here: ${listNames(visibleNames(source, root))})`;
}

/** An atomic, non-final state needs a transition with a target, of its own or an ancestor's. */
function checkWayOut(path: StatePath, spec: StateSpec, root: Record<string, StateSpec>, reporter: Reporter): void {
  if (hasChildren(spec) || isFinal(spec) || isParallel(spec)) return;
  for (let depth = path.length; depth > 0; depth--) {
    const ancestorPath = path.slice(0, depth);
    const ancestor = depth === path.length ? spec : stateAt(root, ancestorPath);
    if (ancestor && transitionsOf(ancestorPath, ancestor).some((t) => typeof t.spec.target === 'string')) return;
  }
  const name = path[path.length - 1];
  reporter.report(
    'DEAD_END',
    definitionPath(path),
    `state "${name}" has no way out: add a transition with a target (on, after, always or invoke onDone/onError) or make it type: final`,
    { key: true },
  );
}

function unknownChild(name: string, children: Record<string, unknown>, what: string): string {
  const names = Object.keys(children);
  const hint = didYouMean(name, names);
  return `unknown state "${name}"${hint || ` (${what}: ${listNames(names) || 'none'})`}`;
}
