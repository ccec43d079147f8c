/**
 * How a decision table answers once its rules are tried: the hit policy. Shared by every place
 * a decision is evaluated (the compiled machine in the workflow, `docket test`'s simulator and the
 * audit's re-run all reach it through compiler/expressions.ts), so they cannot disagree. Pure.
 *
 * - `first`: the first matching rule's `then`; null when none matches (as tables always did).
 * - `unique`: the matching rule's `then`; null when none; two matching fail the case with
 *   DECISION_NOT_UNIQUE (DMN's U policy), never a silent pick.
 * - `collect`: the list of the matching rules' `then`s in table order; with `aggregate`, `count`
 *   (their number), `sum` (0 when none), `min` / `max` (null when none). DMN's C, C+, C#, C<, C>.
 */
import type { DecisionTableView } from '../dsl/decision-table';
import { CaseError } from './case-error';

/**
 * Tries the rules in order (`matches(i)` evaluates rule i's condition, `valueOf(i)` its `then` or
 * `compute`) and gives the table's value. Under `first` the rules after the match are not
 * evaluated, as before hit policies existed; only matching rules' values are computed.
 */
export function applyHitPolicy(
  name: string,
  table: DecisionTableView,
  matches: (i: number) => boolean,
  valueOf: (i: number) => unknown,
): unknown {
  const { hit, rules } = table;
  if (hit === 'first') {
    const i = rules.findIndex((_, j) => matches(j));
    return i < 0 ? null : valueOf(i);
  }
  const matched: number[] = [];
  rules.forEach((_, i) => {
    if (matches(i)) matched.push(i);
  });
  if (hit === 'unique') {
    if (matched.length > 1) {
      const which = matched.map((i) => i + 1).join(' and ');
      throw new CaseError(
        'DECISION_NOT_UNIQUE',
        `decision "${name}" has hit policy unique, but rules ${which} all match; make their conditions exclusive (docket validate reports overlaps it can prove), or use hit: first`,
      );
    }
    return matched.length ? valueOf(matched[0]) : null;
  }
  const values = matched.map(valueOf);
  switch (table.aggregate) {
    case undefined:
      return values;
    case 'count':
      return values.length;
    case 'sum':
      return numbers(name, values).reduce((total, x) => total + x, 0);
    case 'min':
      return values.length ? Math.min(...numbers(name, values)) : null;
    case 'max':
      return values.length ? Math.max(...numbers(name, values)) : null;
  }
}

/** docket validate refuses non-numbers under sum/min/max (DECISION_AGGREGATE_NOT_NUMBER); this guards an unvalidated table. */
function numbers(name: string, values: unknown[]): number[] {
  const bad = values.find((v) => typeof v !== 'number');
  if (bad !== undefined) throw new Error(`decision "${name}" aggregates ${JSON.stringify(bad)}, which is not a number`);
  return values as number[];
}
