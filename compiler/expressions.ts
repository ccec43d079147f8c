/**
 * The variables CEL expressions see, built from the machine's context and the current event.
 * Pure: `now` comes from the caller (inside a workflow it is the activation time).
 */
import type { AnyEventObject } from 'xstate';
import { decisionReferences, evaluate, type CelVariables } from '../dsl/cel';
import { decisionTable } from '../dsl/decision-table';
import { own } from '../dsl/json-shape';
import type { ProcessDefinition } from '../dsl/types';
import { applyHitPolicy } from './hit-policy';

/** The `event` an expression sees: user events carry actor and data, invocations output or error. */
export interface CelEvent {
  type: string;
  actor: { id: string; roles: string[] };
  data: Record<string, unknown>;
  output: unknown;
  error: string;
}

export function celEvent(event: AnyEventObject | undefined): CelEvent {
  if (!event) return NO_EVENT;
  // One object per event, so dsl/cel.ts converts it once for every expression of its transition.
  let seen = celEvents.get(event);
  if (!seen) celEvents.set(event, (seen = celEventOf(event)));
  return seen;
}

const NO_EVENT: CelEvent = Object.freeze(celEventOf({ type: '' }));
/** By event object: XState hands the same event to every guard and action of a transition; events are not changed in place. */
const celEvents = new WeakMap<AnyEventObject, CelEvent>();

function celEventOf(event: AnyEventObject): CelEvent {
  const e = event as AnyEventObject & Partial<CelEvent>;
  return {
    type: e.type,
    actor: e.actor ?? { id: '', roles: [] },
    data: e.data ?? {},
    output: e.output ?? null,
    error: typeof e.error === 'string' ? e.error : e.error ? String((e.error as Error).message ?? e.error) : '',
  };
}

export interface ExpressionScope {
  input: Record<string, unknown>;
  context: Record<string, unknown>;
  event?: AnyEventObject;
  now: number;
  /** The case's workflow id. */
  caseId?: string;
}

/**
 * Variables for one expression. Only the decisions the expression names are evaluated, so a
 * decision table that reads `event.data` never runs where there is no such event. A decision
 * may read other decisions (`when: input.n > decide.limit`): those are evaluated first, each
 * once per expression, and only for the rules actually tried.
 */
export function variablesFor(def: ProcessDefinition, source: string, scope: ExpressionScope): CelVariables {
  const base = { input: scope.input, context: scope.context, event: celEvent(scope.event), now: scope.now, caseId: scope.caseId ?? '' };
  const decided = new Map<string, unknown>();
  for (const name of decisionReferences(source)) decideInto(def, name, base, decided, []);
  return { ...base, decide: Object.fromEntries(decided) };
}

/** Evaluates a decision table under its hit policy (compiler/hit-policy.ts). */
export function decideValue(def: ProcessDefinition, name: string, vars: CelVariables): unknown {
  const decided = new Map<string, unknown>();
  decideInto(def, name, vars, decided, []);
  return decided.get(name);
}

function decideInto(def: ProcessDefinition, name: string, base: CelVariables, decided: Map<string, unknown>, reading: string[]): void {
  if (decided.has(name)) return;
  // docket validate refuses cycles (DECISION_CYCLE); this keeps an unvalidated one from recursing forever.
  if (reading.includes(name)) throw new Error(`decisions read each other in a cycle: ${[...reading, name].join(' → ')}`);
  const table = decisionTable(own(def.decisions, name));
  // An expression of a rule (`when`, `compute`), with the decisions it reads evaluated first.
  const evaluateRule = (source: string): unknown => {
    for (const dep of decisionReferences(source)) decideInto(def, dep, base, decided, [...reading, name]);
    return evaluate(source, { ...base, decide: Object.fromEntries(decided) });
  };
  const value = applyHitPolicy(
    name,
    table,
    (i) => table.rules[i].when === undefined || evaluateRule(table.rules[i].when!) === true,
    (i) => (table.rules[i].compute !== undefined ? evaluateRule(table.rules[i].compute!) : (table.rules[i].then ?? null)),
  );
  decided.set(name, value);
}

/** Evaluates one expression in a scope. */
export function evaluateIn(def: ProcessDefinition, source: string, scope: ExpressionScope): unknown {
  return evaluate(source, variablesFor(def, source, scope));
}

/** Evaluates a `key: expression` map in a scope. */
export function evaluateMapIn(
  def: ProcessDefinition,
  exprs: Record<string, string> | undefined,
  scope: ExpressionScope,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, source] of Object.entries(exprs ?? {})) out[key] = evaluateIn(def, source, scope);
  return out;
}
