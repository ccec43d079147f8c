/**
 * The baselines of `npm run bench`, written by hand against the Temporal SDK:
 *
 * - `handComplaint`: the complaint path the benchmark drives through docket (start → intake
 *   report → ACCEPT → assign owner → RESOLVE → 3-day confirmation → CONFIRM_SOLVED → record →
 *   7-day survey → SATISFACTION → record → closed), with the same activities and activity
 *   options, the same deadlines as timers (cancelled when the event arrives in time), the same
 *   search attributes kept up to date, an `event` Update with a validator (refused events leave no
 *   trace) and a `state` Query. Only the other branches (escalation, transfer, refund, reopen) are
 *   left out: the benchmark never takes them.
 * - `handCounter`: one NOTE Update that stays in the same state, for the growth curve.
 * - `emptyWorkflow` and `oneUpdateWorkflow`: what the server and the SDK cost with no logic at all.
 */
import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { SA_CATEGORY, SA_CUSTOMER, SA_OUTCOME, SA_OWNER, SA_PRIORITY, SA_PROCESS, SA_STATE } from '../contract/search-attributes';
import type { NoopActivities } from './noop-activities';

export interface BenchEvent {
  type: string;
  actor: { id: string; roles: string[] };
  data?: Record<string, unknown>;
}

export interface HandComplaintInput {
  customerId: string;
  customerName: string;
  category: { level1: string };
  description: string;
  impact?: string;
  /** The follow-up waits, as the docket run shortens them. */
  confirmAfterMs: number;
  satisfactionAfterMs: number;
}

export const handEvent = defineUpdate<{ state: string; owner: string }, [BenchEvent]>('event');
export const handState = defineQuery<{ state: string; context: Record<string, unknown> }>('state');

// The same activity options as the complaint definition's invokes (30 s start-to-close default).
const intakeActivities = proxyActivities<NoopActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 5, initialInterval: '1s' },
});
const plainActivities = proxyActivities<NoopActivities>({ startToCloseTimeout: '30s' });

const HOUR = 3_600_000;

export async function handComplaint(input: HandComplaintInput): Promise<{ outcome: string; context: Record<string, unknown> }> {
  const priority =
    input.impact === 'outage' || input.impact === 'core_rights'
      ? 'P0'
      : input.impact === 'severe' || input.impact === 'partial'
        ? 'P1'
        : 'P2';
  const ctx: Record<string, unknown> = {
    priority,
    category: input.category.level1,
    customerId: input.customerId,
    owner: '',
    submittedAt: Date.now(),
  };
  let state = 'intake';
  const pending: BenchEvent[] = [];
  const allowed: Record<string, { roles: string[]; guard?: (e: BenchEvent) => boolean }> = {};
  const enter = (next: string, extra: SearchAttributeUpdatePair[] = []) => {
    state = next;
    upsertSearchAttributes([{ key: SA_STATE, value: next }, ...extra]);
  };
  const gate = (event: BenchEvent): string | undefined => {
    const rule = allowed[`${state}:${event.type}`];
    if (!rule) return 'EVENT_NOT_ALLOWED';
    if (!event.actor?.roles?.some((r) => rule.roles.includes(r))) return 'ROLE_NOT_ALLOWED';
    if (rule.guard && !rule.guard(event)) return 'GUARD_FAILED';
    return undefined;
  };
  allowed['awaiting_response:ACCEPT'] = { roles: ['agent', 'lead', 'supervisor', 'manager'] };
  allowed['handling:RESOLVE'] = {
    roles: ['agent', 'lead', 'supervisor', 'manager'],
    guard: (e) => e.actor.id === ctx.owner && typeof e.data?.resolution === 'string',
  };
  allowed['confirmation_call:CONFIRM_SOLVED'] = { roles: ['customer', 'agent'] };
  allowed['satisfaction_call:SATISFACTION'] = { roles: ['customer', 'agent'], guard: (e) => Number.isInteger(e.data?.score) };

  setHandler(handState, () => ({ state, context: ctx }));
  setHandler(
    handEvent,
    (event) => {
      pending.push(event);
      // The state the event leads to, as docket's EventResult says it.
      const next: Record<string, string> = {
        ACCEPT: 'assigning',
        RESOLVE: 'waiting_confirmation',
        CONFIRM_SOLVED: 'recording_confirmation',
        SATISFACTION: 'recording_satisfaction',
      };
      state = next[event.type] ?? state;
      if (event.type === 'ACCEPT') ctx.owner = event.actor.id;
      return { state, owner: String(ctx.owner) };
    },
    {
      validator: (event) => {
        const code = gate(event);
        if (code) throw ApplicationFailure.create({ message: `${event.type} refused in ${state}`, type: code, nonRetryable: true });
      },
    },
  );
  const take = async (type: string, deadlineMs: number): Promise<BenchEvent | undefined> => {
    const arrived = await condition(() => pending.some((e) => e.type === type), deadlineMs);
    return arrived
      ? pending.splice(
          pending.findIndex((e) => e.type === type),
          1,
        )[0]
      : undefined;
  };

  upsertSearchAttributes([
    { key: SA_PROCESS, value: 'hand-complaint' },
    { key: SA_STATE, value: state },
    { key: SA_PRIORITY, value: priority },
    { key: SA_CATEGORY, value: String(ctx.category) },
    { key: SA_CUSTOMER, value: input.customerId },
  ]);
  // docket's complaint intake makes sure the monitor runs (startProcess) and sends it nothing.
  await intakeActivities.startProcess({ process: 'complaint-monitor', id: 'complaint-monitor-v2' });
  // The benchmark drives P2 complaints: no supervisor alert, no emergency plan.
  enter('awaiting_response');
  const accept = await take('ACCEPT', priority === 'P0' ? HOUR : priority === 'P1' ? 4 * HOUR : 24 * HOUR);
  if (!accept) return finish('escalation not written by hand');
  ctx.acceptedAt = Date.now();
  enter('assigning', [{ key: SA_OWNER, value: String(ctx.owner) }]);
  await plainActivities.assignOwner({ caseId: workflowInfo().workflowId, owner: ctx.owner });
  enter('handling');
  const resolve = await take('RESOLVE', 24 * HOUR);
  if (!resolve) return finish('overdue branch not written by hand');
  ctx.resolvedAt = Date.now();
  ctx.resolution = resolve.data?.resolution;
  enter('waiting_confirmation');
  await sleep(input.confirmAfterMs);
  enter('confirmation_call');
  if (!(await take('CONFIRM_SOLVED', 2 * 24 * HOUR))) return finish('closed_no_confirmation');
  enter('recording_confirmation');
  await plainActivities.recordFollowUp({ caseId: workflowInfo().workflowId, kind: 'confirmation', result: { solved: true } });
  enter('waiting_satisfaction');
  await sleep(input.satisfactionAfterMs);
  enter('satisfaction_call');
  const survey = await take('SATISFACTION', 2 * 24 * HOUR);
  if (!survey) return finish('closed_no_survey');
  ctx.satisfaction = survey.data?.score;
  enter('recording_satisfaction');
  await plainActivities.recordFollowUp({ caseId: workflowInfo().workflowId, kind: 'satisfaction', result: { score: ctx.satisfaction } });
  return finish('closed');

  function finish(outcome: string) {
    state = outcome;
    upsertSearchAttributes([
      { key: SA_STATE, value: outcome },
      { key: SA_OUTCOME, value: outcome },
    ]);
    return { outcome, context: ctx };
  }
}

export const noteUpdate = defineUpdate<{ notes: number }, [BenchEvent]>('event');

/** One case that takes NOTE events forever (the growth curve's baseline). */
export async function handCounter(): Promise<void> {
  let notes = 0;
  setHandler(noteUpdate, () => ({ notes: ++notes }), {
    validator: (e) => {
      if (e.type !== 'NOTE') throw ApplicationFailure.create({ message: 'unknown event', type: 'UNKNOWN_EVENT', nonRetryable: true });
    },
  });
  await condition(() => false);
}

export async function emptyWorkflow(): Promise<string> {
  return 'done';
}

export const pingUpdate = defineUpdate<string>('ping');

export async function oneUpdateWorkflow(): Promise<string> {
  let pinged = false;
  setHandler(pingUpdate, () => {
    pinged = true;
    return 'pong';
  });
  await condition(() => pinged);
  return 'done';
}
