/**
 * A case that continues as new while a state whose invocation already finished is still active
 * (refund-approval's `review` notifies the holder on entry and stays: its onDone has no target).
 * XState restores the finished invocation's child from the snapshot; it must not run the activity
 * again, nor fail the case (found by tests/integration/fuzz-events.test.ts with
 * DOCKET_FUZZ_SEED=1030163515: "Cannot read properties of undefined (reading 'hooks')").
 */
import { temporal } from '@temporalio/proto';
import { startHarness, type Harness } from '../support/harness';
import { settledHistoryLength } from '../support/settled-history';
import { until } from '../support/until';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const refund = { caseId: 'C-1', amount: 480, requestedBy: 'alice', customerId: 'cust-9', reason: 'parcel lost' };
const EventType = temporal.api.enums.v1.EventType;

/** The activity types a run scheduled, in order, besides the definition step's. */
async function scheduledActivities(id: string, runId?: string): Promise<string[]> {
  const history = await h.docket.client.workflow.getHandle(id, runId).fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
    .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? '')
    .filter((name) => name !== 'resolveDefinition');
}

it('continues as new in review without notifying the holder again, and the case goes on', async () => {
  const id = h.caseId('refund-continued');
  const started = await h.docket.start({ process: 'refund-approval', id, input: refund, continueAsNewAfter: 20 });
  await until('review.lead with the notice sent', async () => {
    const view = await h.docket.state(id);
    return view.state.includes('review.lead') && view.timeline.some((e) => e.kind === 'invoke' && e.status === 'done') ? view : undefined;
  });
  expect(await scheduledActivities(id, started.runId)).toEqual(['notify']);

  // Refused signals make the history longer (each is recorded), until the run continues as new.
  let sent = 0;
  const continued = await until('the continued run', async () => {
    const view = await h.docket.state(id);
    if (view.timeline.some((e) => e.kind === 'continued')) return view;
    await h.docket.signal(id, { type: 'NOT_AN_EVENT', actor: { id: 'lena', roles: ['lead'] } }).catch(() => undefined);
    sent++;
    return undefined;
  });
  expect(sent).toBeGreaterThan(0);
  expect(continued.status).toBe('running');
  expect(continued.state).toEqual(['review.lead']);
  const latestRun = (await h.docket.client.workflow.getHandle(id).describe()).runId;
  expect(latestRun).not.toBe(started.runId);
  // The notice went out once, in the first run.
  expect(await scheduledActivities(id, latestRun)).toEqual([]);

  // The lead approves on the continued run: the case leaves review and goes on.
  const result = await h.docket.send(id, { type: 'APPROVE', actor: { id: 'lena', roles: ['lead'] }, data: { note: 'ok' } });
  expect(result.status).not.toBe('failed');
  expect(result.state).not.toEqual(['review.lead']);
  const after = await h.docket.state(id);
  expect(after.status === 'failed' ? after.failure : undefined).toBeUndefined();
});

it('continues as new once, not for ever, when the caller asks for it after every event (continueAsNewAfter: 1)', async () => {
  const id = h.caseId('refund-continue-every-event');
  const started = await h.docket.start({ process: 'refund-approval', id, input: refund, continueAsNewAfter: 1 });
  // The notice's result is something happening: the first run continues as new then. The second
  // run starts its machine and waits: continuing again in that same task would loop (it did, 26
  // runs in 15 s), as would every run after it.
  await until('the continued run', async () => {
    const view = await h.docket.state(id);
    return view.timeline.some((e) => e.kind === 'continued') ? view : undefined;
  });
  await settledHistoryLength(h.docket, id);
  const current = await h.docket.client.workflow.getHandle(id).describe();
  expect(current.status.name).toBe('RUNNING');
  const history = await h.docket.client.workflow.getHandle(id, current.runId).fetchHistory();
  expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId).toBe(started.runId);

  // An event is something happening too: the case takes it and goes on.
  const result = await h.docket.send(id, { type: 'APPROVE', actor: { id: 'lena', roles: ['lead'] }, data: { note: 'ok' } });
  expect(result.state).not.toEqual(['review.lead']);
});
