/**
 * The compensations a re-run case would run once it ended (audit/rerun.ts), in the order the
 * workflow runs them: the same stack (compiler/compensation.ts `CompensationStack`, newest first)
 * and the same rule for when (`compensatesAtEnd`: failed, cancelled, or a final state with
 * `compensate: true`). Each takes the result of the next recorded invocation of the same name
 * that the re-run did not use; one without a recording is assumed done, and said so.
 */
import { CompensationStack, compensatesAtEnd, type CompensationRequest } from '../compiler/compensation';
import type { ProcessDefinition } from '../dsl/types';
import type { RecordedInput, RecordedInvocation } from './activations';

export interface RerunCompensation {
  /** The state whose invocation it undoes (dotted path). */
  state: string;
  kind: 'activity' | 'process';
  name: string;
  /** The invocation it undoes (activity or process name). */
  compensates: string;
  input: Record<string, unknown>;
  /** Event id of the recorded invocation whose result was used; undefined when assumed. */
  recorded?: number;
  /** `pending`: recorded, but the record ends before its result. */
  status: 'done' | 'failed' | 'canceled' | 'pending';
}

export interface CaseEnd {
  definition: ProcessDefinition;
  end: 'completed' | 'failed' | 'cancelled';
  /** The active leaf states the case ended in (dotted paths). */
  state: string[];
}

/**
 * Takes the whole stack when the case's end calls for it (else leaves it and returns nothing).
 * `unused`: recorded invocations, oldest first, that the re-run did not match; `resultOf` finds
 * a recorded invocation's result.
 */
export function compensationsAtEnd(
  stack: CompensationStack,
  ended: CaseEnd,
  unused: RecordedInvocation[],
  resultOf: (match: RecordedInvocation) => RecordedInput | undefined,
): { compensations: RerunCompensation[]; assumptions: string[] } {
  const compensations: RerunCompensation[] = [];
  const assumptions: string[] = [];
  if (!compensatesAtEnd(ended.definition, ended.end, ended.state[0]?.split('.')[0] ?? '')) return { compensations, assumptions };
  const left = [...unused];
  for (let c = stack.next(); c; c = stack.next()) {
    const i = left.findIndex((r) => r.kind === c!.kind && r.name === c!.name);
    const match = i < 0 ? undefined : left.splice(i, 1)[0];
    const outcome = match && resultOf(match);
    compensations.push({
      ...entryOf(c),
      recorded: match?.id,
      status: outcome?.kind === 'result' ? outcome.status : match ? 'pending' : 'done',
    });
    if (!match)
      assumptions.push(`compensation ${c.kind} ${c.name} (undoes ${c.compensates} of ${c.state}) has no recorded result: assumed done`);
  }
  return { compensations, assumptions };
}

const entryOf = (c: CompensationRequest) => ({ state: c.state, kind: c.kind, name: c.name, compensates: c.compensates, input: c.input });
