/**
 * Unreachable states: those no run can ever enter, starting from `initial` and following every
 * transition, `initial` and parallel region. Errs on the side of "reachable" (guards are assumed
 * to pass sometimes; a compound state with a broken `initial` counts all its children entered),
 * so every state reported really is dead. Pure.
 */
import { asRecord, hasOwn, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';
import { allStatePaths, childrenAt, forEachState, isParallel, resolveTarget, stateAt, visibleNames, type StatePath } from './state-tree';
import { suggest } from './suggest';
import { processTransitions } from './process-events';
import { definitionPath, transitionsOf, type TransitionRef } from './transitions';
import type { StateSpec } from './types';

export function checkReachability(def: JsonRecord, reporter: Reporter): void {
  const root = asRecord(def.states) as Record<string, StateSpec>;
  // With no valid starting state everything looks dead; UNKNOWN_INITIAL already says why.
  if (typeof def.initial !== 'string' || !hasOwn(childrenAt(root, []), def.initial)) return;
  const guessed = { unknown: false };
  const reached = reachableStates(root, def.initial, guessed, processTransitions(def));
  // A target naming no state (UNKNOWN_TARGET, reported once) with no likely meaning leaves no way
  // to tell which states a fix would reach: saying "unreachable" of each would be follow-on noise.
  if (guessed.unknown) return;
  forEachState(root, (path) => {
    const key = path.join('.');
    const parentReached = path.length === 1 || reached.has(path.slice(0, -1).join('.'));
    // Report the outermost dead state only: its children are dead because it is.
    if (reached.has(key) || !parentReached) return;
    const name = path[path.length - 1];
    reporter.report(
      'UNREACHABLE_STATE',
      definitionPath(path),
      `state "${name}" can never be entered: no transition or initial leads to it; add one or delete the state`,
      { key: true },
    );
  });
}

/**
 * Dotted paths of every state some run can enter. A target with a typo counts as reaching the
 * state its did-you-mean names (one typo, one error: what it cuts off is not reported too); when
 * there is no likely meaning, `guessed.unknown` is set.
 */
export function reachableStates(
  root: Record<string, StateSpec>,
  initial: string,
  guessed?: { unknown: boolean },
  processWide: TransitionRef[] = [],
): Set<string> {
  const reached = new Set<string>();
  const queue: StatePath[] = [];
  const mark = (path: StatePath): void => {
    const key = path.join('.');
    if (reached.has(key)) return;
    reached.add(key);
    queue.push(path);
  };
  // Entering a state enters its default descendants: all regions of a parallel state, the initial child otherwise.
  const descended = new Set<string>();
  const enterDown = (path: StatePath): void => {
    mark(path);
    const key = path.join('.');
    if (descended.has(key)) return;
    descended.add(key);
    const spec = stateAt(root, path);
    const children = Object.keys(childrenAt(root, path));
    if (children.length === 0) return;
    const initial = spec?.initial;
    const startWith = !isParallel(spec) && typeof initial === 'string' && children.includes(initial) ? [initial] : children;
    for (const child of startWith) enterDown([...path, child]);
  };
  // Entering a state directly also enters its ancestors, and the other regions of parallel ones.
  const enter = (target: StatePath): void => {
    for (let depth = 1; depth < target.length; depth++) {
      const ancestor = target.slice(0, depth);
      mark(ancestor);
      if (!isParallel(stateAt(root, ancestor))) continue;
      for (const region of Object.keys(childrenAt(root, ancestor))) {
        if (region !== target[depth]) enterDown([...ancestor, region]);
      }
    }
    enterDown(target);
  };
  const follow = (path: StatePath, transitions: TransitionRef[]): void => {
    for (const t of transitions) {
      if (typeof t.spec.target !== 'string') continue;
      const target = resolveTarget(path, t.spec.target, root) ?? meantTarget(path, t.spec.target, root);
      if (target) enter(target);
      else if (guessed) guessed.unknown = true;
    }
  };
  enter([initial]);
  // Process-wide transitions can be taken from the first state on, so their targets are reached.
  follow([], processWide);
  for (let i = 0; i < queue.length; i++) {
    const spec = stateAt(root, queue[i]);
    if (spec) follow(queue[i], transitionsOf(queue[i], spec));
  }
  return reached;
}

/** The state a misspelt bare target most likely means (the UNKNOWN_TARGET did-you-mean), if any. */
function meantTarget(path: StatePath, target: string, root: Record<string, StateSpec>): StatePath | undefined {
  if (target === '' || target.includes('.')) return undefined;
  const near = suggest(target, visibleNames(path, root));
  if (near) return resolveTarget(path, near, root);
  // A nested state named bare from outside: UNKNOWN_TARGET suggests its dotted path.
  const nested = allStatePaths(root).find((p) => p.endsWith(`.${target}`));
  return nested?.split('.');
}
