import { createActor } from 'xstate';
import { bindSnapshot, caseBinding, compileDefinition, machineFor, type InvokeRequest, type RuntimeHooks } from '../../../compiler/compile';
import { publicContext } from '../../../compiler/joins';
import { allowedByRole, checkEvent } from '../../../compiler/event-gate';
import { displayPath, leafPaths } from '../../../compiler/state-paths';
import type { ProcessDefinition } from '../../../dsl/types';
import { shippedDefinition } from '../../support/test-definitions';

/** Hooks that record what the machine asks for and let the test finish invocations by hand. */
function recordingHooks(startMs = Date.UTC(2026, 10, 23, 9)) {
  const invocations: Array<{ request: InvokeRequest; done: (o: unknown) => void; failed: (e: string) => void; cancelled: boolean }> = [];
  const armed: string[] = [];
  const hooks: RuntimeHooks = {
    now: () => startMs,
    caseId: 'C-1',
    startInvocation: (request, done, failed) => {
      const entry = { request, done, failed, cancelled: false };
      invocations.push(entry);
      return () => (entry.cancelled = true);
    },
    deadlineArmed: (d) => armed.push(`${d.name}@${new Date(d.dueMs).toISOString()}`),
    deadlineCleared: () => undefined,
    log: () => undefined,
  };
  return { hooks, invocations, armed };
}

const complaintInput = (impact: string) => ({
  customerId: 'cust-7',
  customerName: 'Li Wei',
  contact: '+86 138 0000 0000',
  channel: 'phone',
  category: { level1: 'logistics_delay' },
  description: 'Parcel two weeks late',
  impact,
});

const agent = (id: string) => ({ id, roles: ['agent'] });
const states = (actor: { getSnapshot(): { value: unknown } }) => leafPaths(actor.getSnapshot().value).map(displayPath);

/** Intake first makes sure the monitor runs (it sends it nothing); the tests below start after that. */
function reportIntake(invocations: ReturnType<typeof recordingHooks>['invocations']): void {
  expect(invocations[0].request).toMatchObject({
    kind: 'activity',
    name: 'startProcess',
    input: { process: 'complaint-monitor', id: 'complaint-monitor-v2' },
  });
  invocations.shift()!.done({ id: 'complaint-monitor-v2' });
}

describe('compileDefinition', () => {
  const complaint = shippedDefinition('complaint');

  it('routes a P2 complaint straight to awaiting_response with a 24h response deadline', () => {
    const { hooks, armed, invocations } = recordingHooks();
    const actor = createActor(compileDefinition(complaint, complaintInput('ordinary'), hooks)).start();
    expect(states(actor)).toEqual(['intake']);
    reportIntake(invocations);
    expect(states(actor)).toEqual(['awaiting_response']);
    expect(actor.getSnapshot().context).toMatchObject({ priority: 'P2', category: 'logistics_delay', owner: '' });
    expect(armed).toEqual(['response deadline@2026-11-24T09:00:00.000Z']);
    actor.stop();
  });

  it('notifies the supervisor and runs the emergency plan for a P0 complaint', () => {
    const { hooks, invocations, armed } = recordingHooks();
    const actor = createActor(compileDefinition(complaint, complaintInput('outage'), hooks)).start();
    reportIntake(invocations);
    expect(states(actor)).toEqual(['alert_supervisor']);
    expect(invocations[0].request).toMatchObject({ kind: 'activity', name: 'notify', input: { to: 'supervisor' } });
    invocations[0].done({ key: 'k1' });
    expect(states(actor)).toEqual(['emergency_plan']);
    expect(invocations[1].request.input).toMatchObject({ to: 'tech-lead,after-sales-lead' });
    invocations[1].done({ key: 'k2' });
    expect(states(actor)).toEqual(['awaiting_response']);
    expect(armed).toEqual(['response deadline@2026-11-23T10:00:00.000Z']);
    actor.stop();
  });

  it('makes the accepting agent the owner and lets only the owner resolve', () => {
    const { hooks, invocations } = recordingHooks();
    const actor = createActor(compileDefinition(complaint, complaintInput('ordinary'), hooks)).start();
    reportIntake(invocations);
    actor.send({ type: 'ACCEPT', actor: agent('alice'), data: {} });
    expect(states(actor)).toEqual(['assigning']);
    invocations[0].done({ owner: 'alice' });
    expect(states(actor)).toEqual(['handling.working']);
    actor.send({ type: 'RESOLVE', actor: agent('bob'), data: { resolution: 'x' } });
    expect(states(actor)).toEqual(['handling.working']);
    actor.send({ type: 'RESOLVE', actor: agent('alice'), data: { resolution: 'refunded shipping' } });
    expect(states(actor)).toEqual(['resolved.waiting_confirmation']);
    expect(actor.getSnapshot().context).toMatchObject({ owner: 'alice', resolution: 'refunded shipping' });
    actor.stop();
  });

  it('cancels an invocation when its state is left', () => {
    const def: ProcessDefinition = {
      process: 'cancel-demo',
      title: 'Cancel demo',
      roles: ['agent'],
      events: { STOP: { by: ['agent'] } },
      initial: 'working',
      states: {
        working: { invoke: { activity: 'notify', with: { to: '"a"', subject: '"b"' }, onDone: 'done' }, on: { STOP: 'stopped' } },
        done: { type: 'final', outcome: 'done' },
        stopped: { type: 'final', outcome: 'stopped' },
      },
    };
    const { hooks, invocations } = recordingHooks();
    const actor = createActor(compileDefinition(def, {}, hooks)).start();
    actor.send({ type: 'STOP', actor: agent('a'), data: {} });
    expect(invocations[0].cancelled).toBe(true);
    expect(actor.getSnapshot().status).toBe('done');
  });
});

describe('machineFor: one compiled machine shared by the cases of a definition', () => {
  const complaint = shippedDefinition('complaint');

  it('gives each case its own input, hooks, context and deadlines', () => {
    expect(machineFor(complaint)).toBe(machineFor(complaint));
    const p2 = recordingHooks(Date.UTC(2026, 10, 23, 9));
    const p0 = recordingHooks(Date.UTC(2026, 10, 25, 12));
    const ordinary = createActor(machineFor(complaint), { input: caseBinding(complaintInput('ordinary'), p2.hooks) }).start();
    const outage = createActor(machineFor(complaint), {
      input: caseBinding(complaintInput('outage'), { ...p0.hooks, caseId: 'C-2' }),
    }).start();
    reportIntake(p2.invocations);
    reportIntake(p0.invocations);
    // Interleaved: each case's invocation goes to its own hooks, with its own input and case id.
    ordinary.send({ type: 'ACCEPT', actor: agent('alice'), data: {} });
    expect(p0.invocations[0].request).toMatchObject({ name: 'notify', input: { to: 'supervisor' } });
    expect(p2.invocations[0].request).toMatchObject({ name: 'assignOwner', input: { caseId: 'C-1', owner: 'alice' } });
    p0.invocations[0].done({ key: 'k1' });
    p0.invocations[1].done({ key: 'k2' });
    expect(states(ordinary)).toEqual(['assigning']);
    expect(states(outage)).toEqual(['awaiting_response']);
    expect(publicContext(ordinary.getSnapshot().context)).toMatchObject({ priority: 'P2', owner: 'alice' });
    expect(publicContext(outage.getSnapshot().context)).toMatchObject({ priority: 'P0', owner: '' });
    // Each case's deadlines on its own clock: P2 24 h from the 23rd, P0 1 h from the 25th.
    expect(p2.armed).toEqual(['response deadline@2026-11-24T09:00:00.000Z']);
    expect(p0.armed).toEqual(['response deadline@2026-11-25T13:00:00.000Z']);
    ordinary.stop();
    outage.stop();
  });

  it('keeps the binding out of the context a view shows and out of the persisted snapshot; bindSnapshot restores it', () => {
    const first = recordingHooks();
    const actor = createActor(machineFor(complaint), { input: caseBinding(complaintInput('ordinary'), first.hooks) }).start();
    reportIntake(first.invocations);
    actor.send({ type: 'ACCEPT', actor: agent('alice'), data: {} });
    first.invocations[0].done({ owner: 'alice' });
    expect(states(actor)).toEqual(['handling.working']);
    expect(Object.getOwnPropertySymbols(publicContext(actor.getSnapshot().context))).toEqual([]);
    // As continue-as-new carries it: through JSON.
    const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as { context: Record<string, unknown> };
    expect(Object.getOwnPropertySymbols(persisted.context)).toEqual([]);
    expect(JSON.stringify(persisted)).not.toMatch(/"hooks"|"lastDelay"/);
    actor.stop();

    // The next run binds the restored snapshot to its own hooks (a clock two days later).
    const next = recordingHooks(Date.UTC(2026, 10, 25, 9));
    const binding = caseBinding(complaintInput('ordinary'), next.hooks);
    const restored = createActor(machineFor(complaint), { input: binding, snapshot: bindSnapshot(persisted, binding) as never }).start();
    expect(states(restored)).toEqual(['handling.working']);
    restored.send({ type: 'RESOLVE', actor: agent('alice'), data: { resolution: 'refunded shipping' } });
    expect(states(restored)).toEqual(['resolved.waiting_confirmation']);
    expect(publicContext(restored.getSnapshot().context)).toMatchObject({ owner: 'alice', resolution: 'refunded shipping' });
    // The deadline it arms is on the new run's clock and reported to the new run's hooks only.
    expect(next.armed).toEqual([expect.stringMatching(/^3-day confirmation@2026-11-28T09:00:00.000Z$/)]);
    expect(first.armed).toEqual(['response deadline@2026-11-24T09:00:00.000Z', 'resolution target@2026-11-24T09:00:00.000Z']);
    restored.stop();
  });
});

describe('continue-as-new in a state whose invocation already finished', () => {
  const refund = shippedDefinition('refund-approval');
  const refundInput = { caseId: 'C-1', amount: 480, requestedBy: 'alice', customerId: 'cust-9', reason: 'parcel lost' };

  it('restores the snapshot without running the invocation again, and the next ones start on the new run', () => {
    const first = recordingHooks();
    const actor = createActor(machineFor(refund), { input: caseBinding(refundInput, first.hooks) }).start();
    // `review` notifies the holder on entry and stays (its onDone has no target): the notice is done, the child is still there.
    expect(first.invocations.map((i) => i.request.name)).toEqual(['notify']);
    first.invocations[0].done({ delivered: true });
    expect(states(actor)).toEqual(['review.lead']);
    const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as { context: Record<string, unknown>; children: object };
    expect(Object.keys(persisted.children)).toHaveLength(1);
    actor.stop();

    const next = recordingHooks(Date.UTC(2026, 10, 25, 9));
    const binding = caseBinding(refundInput, next.hooks);
    const restored = createActor(machineFor(refund), { input: binding, snapshot: bindSnapshot(persisted, binding) as never });
    const errors: unknown[] = [];
    restored.subscribe({ error: (err) => errors.push(err) });
    restored.start();
    expect(errors).toEqual([]);
    expect(restored.getSnapshot().status).toBe('active');
    expect(states(restored)).toEqual(['review.lead']);
    // Sent once, in the run before: not again.
    expect(next.invocations).toEqual([]);

    // The lead approves: the case leaves `review` (stopping the idle child) and what it invokes next runs on the new run's hooks.
    restored.send({ type: 'APPROVE', actor: { id: 'lena', roles: ['lead'] }, data: {} });
    expect(errors).toEqual([]);
    expect(states(restored)).not.toEqual(['review.lead']);
    expect(next.invocations.length).toBeGreaterThan(0);
    expect(first.invocations).toHaveLength(1);
    restored.stop();
  });
});

describe('event gate', () => {
  const complaint = shippedDefinition('complaint');
  const scope = { input: complaintInput('ordinary'), context: { owner: 'alice', priority: 'P2' }, now: 0 };
  const waiting = [['awaiting_response']];
  const working = [['handling', 'working']];

  it.each([
    ['UNKNOWN_EVENT', waiting, { type: 'ACEPT', actor: agent('a') }, /unknown event "ACEPT" \(did you mean "ACCEPT"\?\)/],
    [
      'EVENT_NOT_ALLOWED',
      waiting,
      { type: 'RESOLVE', actor: agent('a'), data: { resolution: 'x' } },
      /RESOLVE is not allowed in state awaiting_response; allowed now for a \(role agent\): ACCEPT/,
    ],
    [
      'ROLE_NOT_ALLOWED',
      waiting,
      { type: 'ACCEPT', actor: { id: 'c', roles: ['customer'] } },
      /c \(role customer\) may not send ACCEPT; events.ACCEPT.by allows: agent, lead, supervisor, manager/,
    ],
    [
      'INVALID_PAYLOAD',
      working,
      { type: 'TRANSFER', actor: agent('alice'), data: { department: 'logistics' } },
      /data.contact: is required; data.need: is required/,
    ],
    ['GUARD_FAILED', working, { type: 'RESOLVE', actor: agent('bob'), data: { resolution: 'x' } }, /only the case owner resolves it/],
    ['INVALID_EVENT', working, { type: 'RESOLVE', actor: { id: '', roles: [] } }, /actor.id must name who sends the event/],
  ])('rejects with %s', (code, leaves, event, message) => {
    const rejection = checkEvent(complaint, leaves, event as never, scope);
    expect(rejection?.code).toBe(code);
    expect(rejection?.message).toMatch(message);
  });

  it('accepts an event the owner may send', () => {
    expect(checkEvent(complaint, working, { type: 'RESOLVE', actor: agent('alice'), data: { resolution: 'x' } }, scope)).toBeUndefined();
  });

  it('lists the events each role may send now', () => {
    const allowed = allowedByRole(complaint, working);
    expect(allowed.agent).toEqual(['RESOLVE', 'TRANSFER']);
    expect(allowed.customer).toEqual([]);
  });
});
