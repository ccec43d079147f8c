/**
 * A decision table in either of its two written forms, read one way. The short form is a list of
 * rules (`name: [ {when, then}, … ]`, first match wins, as before tables had a hit policy); the
 * long form names its hit policy (`name: { hit: unique, rules: [ … ] }`). Every reader of
 * `decisions` (the checks and the evaluator) goes through here, so the two forms cannot drift.
 * Pure; tolerant of shapes the schema refuses (they read as a table without rules).
 */
import type { PathSegment } from './diagnostics';
import { isRecord } from './json-shape';
import type { DecisionAggregate, DecisionHit, DecisionRule } from './types';

export interface DecisionTableView {
  hit: DecisionHit;
  /** Only under `collect`; none means the list of every matching rule's `then`. */
  aggregate?: DecisionAggregate;
  rules: DecisionRule[];
  /** Where rule i lives, relative to `decisions.<name>`: `[i]` or `['rules', i]`. */
  rulePath(i: number): PathSegment[];
}

export const DECISION_HITS: readonly DecisionHit[] = ['first', 'unique', 'collect'];
export const DECISION_AGGREGATES: readonly DecisionAggregate[] = ['sum', 'min', 'max', 'count'];

export function decisionTable(table: unknown): DecisionTableView {
  if (Array.isArray(table)) return { hit: 'first', rules: table as DecisionRule[], rulePath: (i) => [i] };
  if (!isRecord(table)) return { hit: 'first', rules: [], rulePath: (i) => [i] };
  const hit = DECISION_HITS.includes(table.hit as DecisionHit) ? (table.hit as DecisionHit) : 'first';
  const aggregate = DECISION_AGGREGATES.includes(table.aggregate as DecisionAggregate) ? (table.aggregate as DecisionAggregate) : undefined;
  const rules = Array.isArray(table.rules) ? (table.rules as DecisionRule[]) : [];
  return { hit, ...(aggregate ? { aggregate } : {}), rules, rulePath: (i) => ['rules', i] };
}

/** Whether some rule always matches (has no `when`): the table then answers for every input. */
export function hasDefaultRule(view: DecisionTableView): boolean {
  return view.rules.some((rule) => isRecord(rule) && rule.when === undefined);
}
