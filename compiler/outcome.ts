/**
 * What a finished case reports: the outcome of the top-level final state it ended in (a name, or
 * a CEL expression that must give one of the names it lists) and that state's `output` (the
 * data a parent's `invoke.onDone` sees as `event.output.output`). Computed once, when the final
 * state is entered, and kept as the machine's output, so later reads need no expression.
 */
import { own } from '../dsl/json-shape';
import type { ProcessDefinition, StateSpec } from '../dsl/types';
import { evaluateIn, evaluateMapIn, type ExpressionScope } from './expressions';
import type { StatePath } from './state-paths';

export interface CaseOutput {
  outcome: string;
  output: Record<string, unknown>;
}

/** Evaluates the outcome and output of the top-level final state `name`. Throws when the outcome expression gives a name it does not list. */
export function finalOutput(def: ProcessDefinition, name: string, spec: StateSpec, scope: ExpressionScope): CaseOutput {
  const output = evaluateMapIn(def, spec.output, scope);
  const outcome = spec.outcome;
  if (outcome === undefined || typeof outcome === 'string') return { outcome: outcome ?? name, output };
  const value = evaluateIn(def, outcome.expr, scope);
  if (typeof value !== 'string' || !outcome.oneOf.includes(value)) {
    throw new Error(`the outcome \`${outcome.expr}\` gave ${JSON.stringify(value)}; it must give one of ${outcome.oneOf.join(', ')}`);
  }
  return { outcome: value, output };
}

/**
 * The outcome of a finished case: from the machine's output when it has one, else the final
 * state's literal outcome (snapshots of cases finished before outcomes could be computed).
 */
export function outcomeOf(def: ProcessDefinition, leaf: StatePath, machineOutput?: unknown): string {
  const computed = (machineOutput as Partial<CaseOutput> | undefined)?.outcome;
  if (typeof computed === 'string') return computed;
  const spec = own(def.states, leaf[0]);
  return typeof spec?.outcome === 'string' ? spec.outcome : leaf[0];
}
