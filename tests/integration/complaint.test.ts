/**
 * Every complaint path on a real Temporal server (started by the Jest global setup), with the
 * shipped complaint definition and test timings for its waits.
 */
import { EventRejectedError, type StateView } from '../../client';
import { listOutbox } from '../../activities';
import { withTimings } from '../support/test-definitions';
import { startHarness, type Harness } from '../support/harness';
import { settledHistoryLength } from '../support/settled-history';

const intake = (impact: string, extra: Record<string, unknown> = {}) => ({
  customerId: 'cust-7',
  customerName: 'Li Wei',
  contact: '+86 138 0000 0000',
  channel: 'wechat',
  category: { level1: 'logistics_delay', level2: 'late parcel' },
  description: 'Parcel two weeks late',
  demand: 'deliver or refund',
  impact,
  ...extra,
});
const as = (role: string, id: string) => ({ id, roles: [role] });

/** The complaint flow with waits short enough for a test; deadlines that must not fire stay long. */
const fastFollowUp = withTimings('complaint', { confirmAfter: '1s', satisfactionAfter: '1s', followUpWindow: '1h' });

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function waitForState(id: string, state: string): Promise<StateView> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const view = await h.docket.state(id);
    if (view.state.includes(state)) return view;
    if (Date.now() > deadline) throw new Error(`${id} never reached ${state}; it is in ${view.state.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Milliseconds between entering awaiting_response and its response deadline. */
function responseWindow(view: StateView): number {
  const entered = view.timeline.find((e) => e.kind === 'transition' && e.to.includes('awaiting_response'));
  const deadline = view.deadlines.find((d) => d.name === 'response deadline');
  return Date.parse(deadline!.due) - Date.parse(entered!.at);
}

async function acceptAndOwn(id: string, agentId: string): Promise<StateView> {
  await waitForState(id, 'awaiting_response');
  await h.docket.send(id, { type: 'ACCEPT', actor: as('agent', agentId) });
  return waitForState(id, 'handling.working');
}

describe('complaint lifecycle', () => {
  it('takes a P2 complaint through accept, transfer, resolve and the 3+7 follow-up to closed', async () => {
    const id = h.caseId('p2-full');
    await h.docket.start({ definition: fastFollowUp, id, input: intake('ordinary') });
    const start = await waitForState(id, 'awaiting_response');
    expect(start.state).toEqual(['awaiting_response']);
    expect(start.context.priority).toBe('P2');
    expect(start.deadlines).toEqual([expect.objectContaining({ name: 'response deadline', state: 'awaiting_response' })]);
    expect(start.allowed.agent).toEqual(['ACCEPT']);

    const owned = await acceptAndOwn(id, 'alice');
    expect(owned.context.owner).toBe('alice');

    const transferred = await h.docket.send(id, {
      type: 'TRANSFER',
      actor: as('agent', 'alice'),
      data: { department: 'logistics', contact: 'wang.fang', need: 'locate parcel 8812' },
    });
    expect(transferred.state).toEqual(['handling.transferring']);
    await waitForState(id, 'handling.with_department');
    await h.docket.send(id, {
      type: 'DEPARTMENT_REPLY',
      actor: as('department', 'wang.fang'),
      data: { note: 'parcel found, arrives tomorrow' },
    });
    const resolved = await h.docket.send(id, { type: 'RESOLVE', actor: as('agent', 'alice'), data: { resolution: 'parcel delivered' } });
    expect(resolved.state).toEqual(['resolved.waiting_confirmation']);
    expect(resolved.changed).toMatchObject({ resolution: 'parcel delivered' });
    expect((await h.docket.state(id)).context.owner).toBe('alice');

    await waitForState(id, 'resolved.confirmation_call');
    await h.docket.send(id, { type: 'CONFIRM_SOLVED', actor: as('customer', 'cust-7') });
    await waitForState(id, 'resolved.satisfaction_call');
    await h.docket.send(id, { type: 'SATISFACTION', actor: as('customer', 'cust-7'), data: { score: 5 } });

    const result = await h.docket.result(id);
    expect(result.outcome).toBe('closed');
    expect(result.context).toMatchObject({ owner: 'alice', satisfaction: 5, priority: 'P2' });
    const path = (await h.docket.timeline(id)).filter((e) => e.kind === 'transition').map((e) => (e as { to: string[] }).to.join());
    expect(path).toEqual([
      'awaiting_response',
      'assigning',
      'handling.working',
      'handling.transferring',
      'handling.with_department',
      'handling.working',
      'resolved.waiting_confirmation',
      'resolved.confirmation_call',
      'resolved.recording_confirmation',
      'resolved.waiting_satisfaction',
      'resolved.satisfaction_call',
      'resolved.recording_satisfaction',
      'closed',
    ]);
  });

  it('raises P0 to the supervisor and runs the emergency plan at once', async () => {
    const id = h.caseId('p0');
    await h.docket.start({ definition: fastFollowUp, id, input: intake('outage') });
    const view = await waitForState(id, 'awaiting_response');
    expect(view.context.priority).toBe('P0');
    expect(responseWindow(view)).toBe(3_600_000);
    const sent = listOutbox({ workflowId: id }).map((m) => m.recipient);
    expect(sent).toEqual(['supervisor', 'tech-lead,after-sales-lead']);
  });

  it('raises P1 to the supervisor with a 4h response deadline', async () => {
    const id = h.caseId('p1');
    await h.docket.start({ definition: fastFollowUp, id, input: intake('partial') });
    const view = await waitForState(id, 'awaiting_response');
    expect(view.context.priority).toBe('P1');
    expect(responseWindow(view)).toBe(4 * 3_600_000);
    expect(listOutbox({ workflowId: id }).map((m) => m.recipient)).toEqual(['supervisor']);
  });

  // The P1 escalation and the ladder run on virtual time with the shipped deadlines
  // (deadlines-time-skipping.test.ts), and the whole ladder (each level's deadline and notice, the
  // manager keeping the case) in the P0 scenario of definitions/complaint.test.yaml.

  it('reopens a resolved case the customer says is not solved, keeping its owner', async () => {
    const id = h.caseId('reopen');
    await h.docket.start({ definition: withTimings('complaint', { confirmAfter: '1h' }), id, input: intake('ordinary') });
    await acceptAndOwn(id, 'alice');
    await h.docket.send(id, { type: 'RESOLVE', actor: as('agent', 'alice'), data: { resolution: 'reshipped' } });
    await h.docket.send(id, { type: 'NOT_SOLVED', actor: as('customer', 'cust-7'), data: { reason: 'still not arrived' } });
    const view = await waitForState(id, 'handling.working');
    expect(view.context).toMatchObject({ owner: 'alice', reopenCount: 1, reopenReason: 'still not arrived' });
    expect(listOutbox({ workflowId: id }).map((m) => m.recipient)).toEqual(['alice']);
  });

  it('links a repeat complaint to the earlier case and flags it', async () => {
    const first = h.caseId('repeat-first');
    await h.docket.start({ definition: fastFollowUp, id: first, input: intake('ordinary') });
    const id = h.caseId('repeat-second');
    await h.docket.start({ definition: fastFollowUp, id, input: intake('ordinary', { previousCaseId: first }) });
    const view = await h.docket.state(id);
    expect(view.context).toMatchObject({ repeat: true, previousCaseId: first });
  });

  it('returns the existing case when the same business key is started twice', async () => {
    const id = h.caseId('twice');
    const a = await h.docket.start({ definition: fastFollowUp, id, input: intake('ordinary') });
    const b = await h.docket.start({ definition: fastFollowUp, id, input: intake('outage') });
    expect(a.existing).toBe(false);
    expect(b).toMatchObject({ existing: true, runId: a.runId, id });
    expect((await h.docket.state(id)).context.priority).toBe('P2');
  });

  it('finds cases by process, priority and state through search attributes', async () => {
    const id = h.caseId('listed');
    await h.docket.start({ definition: fastFollowUp, id, input: intake('outage') });
    await waitForState(id, 'awaiting_response');
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = await h.docket.list({ process: 'complaint', query: `DocketPriority = 'P0' AND WorkflowId = '${id}'` });
      if (found.length === 1 && found[0].state === 'awaiting_response') {
        expect(found[0]).toMatchObject({ id, process: 'complaint', priority: 'P0', category: 'logistics_delay' });
        break;
      }
      if (Date.now() > deadline) throw new Error(`not listed: ${JSON.stringify(found)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  });
});

describe('rejected events', () => {
  let id: string;
  beforeAll(async () => {
    id = h.caseId('rejections');
    await h.docket.start({ definition: fastFollowUp, id, input: intake('ordinary') });
    await acceptAndOwn(id, 'alice');
  });

  it.each([
    ['UNKNOWN_EVENT', { type: 'RESOLV', actor: as('agent', 'alice'), data: { resolution: 'x' } }, /did you mean "RESOLVE"/],
    [
      'EVENT_NOT_ALLOWED',
      { type: 'ACCEPT', actor: as('agent', 'bob') },
      /ACCEPT is not allowed in state handling.working; allowed now for bob \(role agent\): RESOLVE, TRANSFER/,
    ],
    ['ROLE_NOT_ALLOWED', { type: 'RESOLVE', actor: as('customer', 'cust-7'), data: { resolution: 'x' } }, /may not send RESOLVE/],
    ['INVALID_PAYLOAD', { type: 'RESOLVE', actor: as('agent', 'alice'), data: {} }, /data.resolution: is required/],
    ['GUARD_FAILED', { type: 'RESOLVE', actor: as('agent', 'bob'), data: { resolution: 'x' } }, /only the case owner resolves it/],
  ])('refuses %s with the rule it broke and leaves no trace in history', async (code, event, message) => {
    const before = await settledHistoryLength(h.docket, id);
    const err = await h.docket.send(id, event as never).catch((e) => e);
    expect(err).toBeInstanceOf(EventRejectedError);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    const after = JSON.parse(await h.docket.history(id)).events.length;
    expect(after).toBe(before);
    expect((await h.docket.state(id)).state).toEqual(['handling.working']);
  });

  it('records a rejected signal in the timeline without applying it', async () => {
    await h.docket.signal(id, { type: 'RESOLVE', actor: as('agent', 'mallory'), data: { resolution: 'x' } });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const view = await h.docket.state(id);
      const rejected = view.timeline.find((e) => e.kind === 'rejected');
      if (rejected) {
        expect(rejected).toMatchObject({ event: 'RESOLVE', code: 'GUARD_FAILED', actor: { id: 'mallory' } });
        expect(view.state).toEqual(['handling.working']);
        break;
      }
      if (Date.now() > deadline) throw new Error('signal never recorded');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
});
