/**
 * Compensation: an invocation with an effect names the invocation that undoes it
 * (`invoke.compensate`). When the invocation returns, its compensation is fixed (its `with`
 * evaluated over the context of that moment and `event.output`, the result) and handed to the
 * runtime, which stacks it; when the case is cancelled, fails, or enters a top-level final state
 * with `compensate: true`, the runtime runs the stack newest first (workflows/compensations.ts,
 * scenario/simulator.ts). Only plain data is stacked, so the stack survives continue-as-new and
 * running it needs no expression.
 */
import { own } from '../dsl/json-shape';
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

/**
 * The case's compensations, in the one order every runtime uses (the workflow, the scenario
 * simulator, the audit's re-run): stacked as their invocations return, taken newest first.
 */
export class CompensationStack {
  private readonly stack: CompensationRequest[];

  constructor(carried: CompensationRequest[] = []) {
    this.stack = [...carried];
  }

  push(compensation: CompensationRequest): void {
    this.stack.push(compensation);
  }

  /** Not yet run, oldest first: what continue-as-new carries. */
  pending(): CompensationRequest[] {
    return [...this.stack];
  }

  /** The next to run (the newest not yet run), taken off the stack; undefined when none is left. */
  next(): CompensationRequest | undefined {
    return this.stack.pop();
  }
}

/**
 * Whether a case that ended so runs its compensations: it failed, was cancelled, or completed in
 * a top-level final state with `compensate: true` (`topState`: the top-level state it ended in).
 */
export function compensatesAtEnd(def: ProcessDefinition, end: 'completed' | 'failed' | 'cancelled', topState: string): boolean {
  return end !== 'completed' || compensatesOnEntry(own(def.states, topState));
}
