/**
 * Compensation: an invocation with an effect names the invocation that undoes it
 * (`invoke.compensate`). When the invocation returns, its compensation is fixed (its `with`
 * evaluated over the context of that moment and `event.output`, the result) and handed to the
 * runtime, which stacks it; when the case is cancelled, fails, or enters a top-level final state
 * with `compensate: true`, the runtime runs the stack newest first (workflows/compensations.ts,
 * scenario/simulator.ts). Only plain data is stacked, so the stack survives continue-as-new and
 * running it needs no expression.
 */
import type { CompensateSpec, ProcessDefinition, StateSpec } from '../dsl/types';
import { evaluateMapIn, type ExpressionScope } from './expressions';

/** A compensation ready to run: what undoes the invocation of `compensates` in `state`. */
export interface CompensationRequest {
  /** Dotted path of the state whose invocation it undoes. */
  state: string;
  kind: 'activity' | 'process';
  name: string;
  input: Record<string, unknown>;
  /** The invocation it undoes (activity or process name). */
  compensates: string;
}

/** Fixes the compensation of an invocation that returned `output`, in the scope the invocation started in. */
export function compensationFor(
  def: ProcessDefinition,
  spec: CompensateSpec,
  at: { state: string; compensates: string },
  scope: ExpressionScope,
  output: unknown,
): CompensationRequest {
  const kind = spec.activity ? 'activity' : 'process';
  return {
    state: at.state,
    kind,
    name: (spec.activity ?? spec.process)!,
    input: evaluateMapIn(def, spec.with, { ...scope, event: { type: 'invoke.done', output } }),
    compensates: at.compensates,
  };
}

/** Whether entering this top-level final state runs the compensations. */
export const compensatesOnEntry = (spec: StateSpec | undefined): boolean => spec?.type === 'final' && spec.compensate === true;
