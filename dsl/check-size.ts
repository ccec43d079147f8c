/**
 * Bounds on the cost of a definition, checked before anything else walks it: the schema check,
 * the semantic passes, the compiler and XState all grow with the number of states and their
 * nesting, and a workflow task compiles the definition within its deadline (10 s by default).
 * The walk is iterative and stops at the first bound passed, so a refusal is quick too. Pure.
 */
import { isRecord } from './json-shape';
import type { Reporter } from './reporter';

/** Most states (at every level, counted together) a definition may have. */
export const MAX_STATES = 2000;
/** Deepest nesting of states (a top-level state is at depth 1). */
export const MAX_STATE_DEPTH = 32;

/** Reports a definition beyond the limits; returns true when it did (the other checks are skipped). */
export function checkSize(def: unknown, reporter: Reporter): boolean {
  if (!isRecord(def)) return false;
  let count = 0;
  const stack: Array<{ states: unknown; path: string[] }> = [{ states: def.states, path: [] }];
  while (stack.length > 0) {
    const { states, path } = stack.pop()!;
    if (!isRecord(states)) continue;
    for (const [name, spec] of Object.entries(states)) {
      const at = [...path, name];
      if (++count > MAX_STATES) {
        reporter.report(
          'DEFINITION_TOO_LARGE',
          ['states'],
          `the definition has more than ${MAX_STATES} states; the engine supports at most ${MAX_STATES} (split it into child processes)`,
          { key: true },
        );
        return true;
      }
      if (at.length > MAX_STATE_DEPTH) {
        const where = ['states', ...path.flatMap((p) => [p, 'states']), name];
        reporter.report(
          'DEFINITION_TOO_LARGE',
          where,
          `states are nested more than ${MAX_STATE_DEPTH} levels deep here; the engine supports at most ${MAX_STATE_DEPTH}`,
          { key: true },
        );
        return true;
      }
      if (isRecord(spec)) stack.push({ states: spec.states, path: at });
    }
  }
  return false;
}
