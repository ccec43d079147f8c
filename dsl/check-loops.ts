/**
 * Loops a case can never leave: states joined by `always` transitions without a condition (or by
 * `after` transitions with a zero delay and no condition), so that entering one runs through the
 * others forever. XState would spin inside one workflow task; at run time the engine stops it as
 * LOOP_DETECTED (workflows/loop-guard.ts), and here validate refuses it first. Only certain loops
 * are refused: a transition with a condition may stop the cycle, so it is left to the run-time
 * guard. Linear in the number of states. Pure.
 */
import { parseDuration } from './duration';
import { asRecord, isRecord, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';
import { childrenAt, forEachState, isParallel, resolveTarget, stateAt, type StatePath } from './state-tree';
import { transitionsOf, type TransitionRef } from './transitions';
import type { StateSpec } from './types';

export function checkLoops(def: JsonRecord, reporter: Reporter): void {
  const root = asRecord(def.states) as Record<string, StateSpec>;
  // For each leaf state: the transition always taken at once on entering it, and where it leads.
  const next = new Map<string, { to: string; via: TransitionRef }>();
  forEachState(root, (path) => {
    if (Object.keys(childrenAt(root, path)).length > 0) return;
    for (let depth = path.length; depth >= 1; depth--) {
      const at = path.slice(0, depth);
      const immediate = immediateTransition(at, stateAt(root, at)!);
      if (!immediate) continue;
      const target = typeof immediate.spec.target === 'string' ? resolveTarget(at, immediate.spec.target, root) : undefined;
      const leaf = target && initialLeaf(root, target);
      if (leaf) next.set(path.join('.'), { to: leaf.join('.'), via: immediate });
      return;
    }
  });
  const done = new Set<string>();
  for (const start of next.keys()) {
    const seen = new Map<string, number>();
    const chain: string[] = [];
    let at: string | undefined = start;
    while (at !== undefined && !done.has(at) && !seen.has(at)) {
      seen.set(at, chain.length);
      chain.push(at);
      at = next.get(at)?.to;
    }
    chain.forEach((s) => done.add(s));
    if (at === undefined || !seen.has(at)) continue;
    const cycle = chain.slice(seen.get(at));
    const first = next.get(cycle[0])!.via;
    const kind = first.kind === 'always' ? 'always' : 'after';
    reporter.report(
      'ENDLESS_LOOP',
      first.path,
      `states ${[...cycle, cycle[0]].join(' → ')} lead into each other at once (${kind === 'always' ? 'always transitions without a condition' : 'transitions after 0 ms without a condition'}), so a case entering them never stops; add a condition (if:), wait for an event, or give a delay`,
    );
  }
}

/** The first `always` transition if it has no condition, else an `after` with a zero delay and no condition. */
function immediateTransition(path: StatePath, spec: StateSpec): TransitionRef | undefined {
  const transitions = transitionsOf(path, spec);
  const always = transitions.find((t) => t.kind === 'always');
  if (always) return always.spec.if === undefined ? always : undefined;
  return transitions.find(
    (t) => t.kind === 'after' && t.spec.if === undefined && typeof t.spec.delay === 'string' && parseDuration(t.spec.delay) === 0,
  );
}

/** The leaf entered when `path` is entered (initial children down); undefined for a parallel state (several leaves). */
function initialLeaf(root: Record<string, StateSpec>, path: StatePath): StatePath | undefined {
  let at = path;
  for (;;) {
    const spec = stateAt(root, at);
    const children = Object.keys(childrenAt(root, at));
    if (children.length === 0) return at;
    if (isParallel(spec) || !isRecord(spec) || typeof spec.initial !== 'string' || !children.includes(spec.initial)) return undefined;
    at = [...at, spec.initial];
  }
}
