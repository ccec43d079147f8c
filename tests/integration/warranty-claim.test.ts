/**
 * The warranty claim (definitions/warranty-claim.yaml) end to end on a real Temporal server: the
 * parallel join of inspection and eligibility, approval by amount, the refund through the
 * shipped refund-approval as a child, the outcome from an expression; a withdrawal while the
 * refund child runs (the child is cancelled, not terminated; the compensations run newest first
 * and show in the timeline); and a case cancelled from outside, which compensates too.
 */
import { Client, Connection } from '@temporalio/client';
import { listOutbox, refundLedger } from '../../activities';
import { CaseNotFoundError, type StateView } from '../../client';
import type { TimelineEntry } from '../../contract/wire';
import { startHarness, type Harness } from '../support/harness';

const as = (role: string, id: string) => ({ id, roles: [role] });
const laptop = (customerId: string) => ({ customerId, product: 'laptop', price: 2500 });

let h: Harness;
let connection: Connection;
let temporal: Client;
beforeAll(async () => {
  h = await startHarness();
  connection = await Connection.connect({ address: h.address });
  temporal = new Client({ connection, namespace: h.namespace });
});
afterAll(async () => {
  await connection?.close();
  await h?.stop();
});

async function waitFor(id: string, what: string, ok: (view: StateView) => boolean): Promise<StateView> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    // A child case may not have started yet.
    const view = await h.docket.state(id).catch((err: unknown) => {
      if (err instanceof CaseNotFoundError && Date.now() < deadline) return undefined;
      throw err;
    });
    if (view && ok(view)) return view;
    if (Date.now() > deadline) throw new Error(`${id} never reached ${what}; it is in ${view?.state.join(', ')} (${view?.status})`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
const waitForState = (id: string, state: string) => waitFor(id, state, (v) => v.state.includes(state));

/** A laptop claim (above the lead's limit, not repairable: a refund) approved by supervisor sam, its refund child in review. */
async function claimInRefund(name: string): Promise<{ id: string; child: string }> {
  const id = h.caseId(name);
  await h.docket.start({ process: 'warranty-claim', id, input: laptop(`cust-${name}`) });
  // The collection is booked first; both regions of the join then wait for their reports.
  await waitForState(id, 'assessing.inspection.inspecting');
  await h.docket.send(id, { type: 'ELIGIBILITY', actor: as('agent', 'ann'), data: { eligible: true } });
  const half = await h.docket.send(id, {
    type: 'INSPECTED',
    actor: as('inspector', 'ivy'),
    data: { fault: 'manufacturing', repairable: false },
  });
  expect(half.state).toEqual(['approving']);
  expect(half.changed).toMatchObject({ eligible: true, fault: 'manufacturing', remedy: 'refund' });
  await expect(h.docket.send(id, { type: 'APPROVE', actor: as('lead', 'lee') })).rejects.toMatchObject({ code: 'GUARD_FAILED' });
  await h.docket.send(id, { type: 'APPROVE', actor: as('supervisor', 'sam') });
  await waitForState(id, 'fulfilling.refunding');
  const child = `${id}/refund-approval-1`;
  const review = await waitForState(child, 'review.supervisor');
  // The parameters passed through the child's declared input.
  expect(review.context).toMatchObject({ refundId: `${id}-refund`, currency: 'CNY' });
  return { id, child };
}

const compensations = (timeline: TimelineEntry[]) =>
  timeline.flatMap((e) =>
    e.kind === 'invoke' && e.compensates ? [{ name: e.activity ?? e.process, compensates: e.compensates, status: e.status }] : [],
  );

it('joins inspection and eligibility, refunds through refund-approval as a child, and reports the outcome from an expression', async () => {
  const { id, child } = await claimInRefund('refunded');
  await h.docket.send(child, { type: 'APPROVE', actor: as('supervisor', 'sue') });
  await h.docket.send(child, { type: 'APPROVE', actor: as('finance', 'fay') });
  const result = await h.docket.result(id);
  expect(result.outcome).toBe('refunded');
  expect(result.output).toEqual({ remedy: 'refund', approvedBy: 'sam' });
  expect(result.context.refund).toMatchObject({ case: child, payment: expect.objectContaining({ refundId: `${id}-refund` }) });
  expect(refundLedger({ refundId: `${id}-refund` })).toEqual([expect.objectContaining({ amount: 2500, approvedBy: 'sue,fay' })]);
  // Nothing to undo: the case ended in done, not in a state with compensate: true.
  expect(compensations((await h.docket.state(id)).timeline)).toEqual([]);
});

it('withdrawn while the refund child runs: the child is cancelled, the notice and the collection are undone, newest first', async () => {
  const { id, child } = await claimInRefund('withdrawn');
  // Half approved: the supervisor's step is done, finance's is not.
  await h.docket.send(child, { type: 'APPROVE', actor: as('supervisor', 'sue') });
  await waitForState(child, 'review.finance');

  const withdrawn = await h.docket.send(id, { type: 'WITHDRAW', actor: as('customer', 'cust-withdrawn') });
  expect(withdrawn.state).toEqual(['withdrawn']);
  expect(withdrawn.status).toBe('compensating');
  const result = await h.docket.result(id);
  expect(result.outcome).toBe('withdrawn');

  // Cancelled, not terminated: the child had the chance to clean up, and its approval does not count.
  expect((await temporal.workflow.getHandle(child).describe()).status.name).toBe('CANCELLED');
  expect(refundLedger({ refundId: `${id}-refund` })).toEqual([]);

  const timeline = (await h.docket.state(id)).timeline;
  expect(compensations(timeline)).toEqual([
    { name: 'notify', compensates: 'notify', status: 'done' },
    { name: 'transferCase', compensates: 'transferCase', status: 'done' },
  ]);
  // After the withdrawal, before the case completed.
  const kinds = timeline.map((e) =>
    e.kind === 'transition' ? `→ ${e.to.join()}` : e.kind === 'invoke' && e.compensates ? 'undo' : e.kind,
  );
  expect(kinds.slice(-4)).toEqual(['→ withdrawn', 'undo', 'undo', 'completed']);
  expect(listOutbox({ workflowId: id }).map((m) => m.subject)).toEqual([
    'Your refund of 2500 is being approved',
    'Your refund request was withdrawn',
  ]);
});

it('cancelled from outside after the collection was booked: the collection is undone before the case ends cancelled', async () => {
  const id = h.caseId('cancelled');
  await h.docket.start({ process: 'warranty-claim', id, input: laptop('cust-cancelled') });
  await waitForState(id, 'assessing.inspection.inspecting');
  const handle = temporal.workflow.getHandle(id);
  await handle.cancel();
  await expect(handle.result()).rejects.toThrow();
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  const history = JSON.parse(await h.docket.history(id)).events as Array<{
    eventId: string;
    activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
    activityTaskCompletedEventAttributes?: { scheduledEventId: string };
  }>;
  // The booking and its compensation: two transferCase activities, both completed. (Counted by
  // name: the definition step is an activity or, answered from the worker's memory, a marker.)
  const transfers = new Set(
    history.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'transferCase').map((e) => e.eventId),
  );
  expect(transfers.size).toBe(2);
  expect(history.filter((e) => transfers.has(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? ''))).toHaveLength(2);
  expect(compensations((await h.docket.state(id)).timeline)).toEqual([
    { name: 'transferCase', compensates: 'transferCase', status: 'done' },
  ]);
});

it('cancelled from outside while the refund child runs: the child finishes cancelling first, then the parent compensates', async () => {
  const { id, child } = await claimInRefund('cancelled-in-child');
  const handle = temporal.workflow.getHandle(id);
  await handle.cancel();
  await expect(handle.result()).rejects.toThrow();
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  // Cancelled, not terminated: the child ran its own cancellation to its end.
  expect((await temporal.workflow.getHandle(child).describe()).status.name).toBe('CANCELLED');
  expect(refundLedger({ refundId: `${id}-refund` })).toEqual([]);

  // In the parent's history the child's cancellation is complete before the first compensation starts.
  const events = (JSON.parse(await h.docket.history(id)).events as Array<{ eventType: string }>).map((e) => e.eventType);
  const childCancelled = events.findIndex((t) => /CHILD_WORKFLOW_EXECUTION_CANCELED|ChildWorkflowExecutionCanceled/.test(t));
  const cancelRequested = events.findIndex((t) => /WORKFLOW_EXECUTION_CANCEL_REQUESTED|WorkflowExecutionCancelRequested/.test(t));
  const firstUndo = events.findIndex((t, i) => i > cancelRequested && /ACTIVITY_TASK_SCHEDULED|ActivityTaskScheduled/.test(t));
  expect(cancelRequested).toBeGreaterThan(0);
  expect(childCancelled).toBeGreaterThan(cancelRequested);
  expect(firstUndo).toBeGreaterThan(childCancelled);
  expect(events.at(-1)).toMatch(/WORKFLOW_EXECUTION_CANCELED|WorkflowExecutionCanceled/);

  expect(compensations((await h.docket.state(id)).timeline)).toEqual([
    { name: 'notify', compensates: 'notify', status: 'done' },
    { name: 'transferCase', compensates: 'transferCase', status: 'done' },
  ]);
});
