/**
 * Nothing a caller sends can break a case (issue 9), on a real Temporal server: event types that
 * name Object.prototype members, data nested thousands deep and payloads of 900 KB are refused
 * with a code, as an Update (no trace) and as a Signal (recorded as rejected), and the case (and
 * every other case on the worker) keeps answering and accepting events.
 */
import { auditHistory, parseHistoryJson, replayHistoryFiles } from '../../audit';
import { EventRejectedError, type StateView } from '../../client';
import type { EventInput, TimelineEntry } from '../../contract/wire';
import { startHarness, type Harness } from '../support/harness';
import { settledHistoryLength } from '../support/settled-history';

const intake = {
  customerId: 'cust-7',
  customerName: 'Li Wei',
  contact: '+86 138 0000 0000',
  channel: 'wechat',
  category: { level1: 'logistics_delay' },
  description: 'Parcel two weeks late',
  impact: 'ordinary',
};
const agent = (id: string) => ({ id, roles: ['agent'] });
const PROTOTYPE_NAMES = ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function waitFor(id: string, ok: (view: StateView) => boolean, what: string, ms = 30_000): Promise<StateView> {
  const deadline = Date.now() + ms;
  for (;;) {
    const view = await h.docket.state(id);
    if (ok(view)) return view;
    if (Date.now() > deadline) throw new Error(`${id} never ${what}; it is ${view.status} in ${view.state.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function startComplaint(name: string): Promise<string> {
  const id = h.caseId(name);
  await h.docket.start({ process: 'complaint', id, input: intake });
  await waitFor(id, (v) => v.state.includes('awaiting_response'), 'reached awaiting_response');
  return id;
}

/** The code a refused Update came back with (fails the test when it was accepted). */
async function refusal(id: string, event: EventInput): Promise<string> {
  const err = await h.docket.send(id, event).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EventRejectedError);
  return (err as EventRejectedError).code;
}

const rejectedEntries = (view: StateView) =>
  view.timeline.filter((e): e is Extract<TimelineEntry, { kind: 'rejected' }> => e.kind === 'rejected');

function nested(depth: number): Record<string, unknown> {
  let data: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < depth; i++) data = { a: data };
  return data;
}

describe('event types named like Object.prototype members', () => {
  it('refuses them as Updates with UNKNOWN_EVENT and no trace, and the case goes on', async () => {
    const id = await startComplaint('proto-update');
    const before = await settledHistoryLength(h.docket, id);
    for (const type of PROTOTYPE_NAMES) {
      expect(await refusal(id, { type, actor: agent('mallory') })).toBe('UNKNOWN_EVENT');
    }
    expect(await settledHistoryLength(h.docket, id)).toBe(before);
    const view = await h.docket.send(id, { type: 'ACCEPT', actor: agent('alice') });
    expect(view.status).toBe('running');
    expect(view.state).not.toContain('awaiting_response');
  });

  it('records them as rejected Signals, and the case stays queryable and accepts the next event', async () => {
    const id = await startComplaint('proto-signal');
    for (const type of PROTOTYPE_NAMES) await h.docket.signal(id, { type, actor: agent('mallory') });
    const view = await waitFor(id, (v) => rejectedEntries(v).length === PROTOTYPE_NAMES.length, 'recorded every rejected signal');
    expect(rejectedEntries(view).map((e) => [e.event, e.code])).toEqual(PROTOTYPE_NAMES.map((type) => [type, 'UNKNOWN_EVENT']));
    const accepted = await h.docket.send(id, { type: 'ACCEPT', actor: agent('alice') });
    expect(accepted.status).toBe('running');
    expect(accepted.state).not.toContain('awaiting_response');
  });
});

describe('event data nested 3,000 levels deep', () => {
  it('is refused as an Update (INVALID_EVENT) and the worker keeps serving other cases', async () => {
    const id = await startComplaint('deep-update');
    expect(await refusal(id, { type: 'ACCEPT', actor: agent('mallory'), data: nested(3000) })).toBe('INVALID_EVENT');
    const other = await startComplaint('deep-update-other');
    expect((await h.docket.send(other, { type: 'ACCEPT', actor: agent('bob') })).status).toBe('running');
    expect((await h.docket.send(id, { type: 'ACCEPT', actor: agent('alice') })).status).toBe('running');
  });

  it('is recorded as a rejected Signal (INVALID_EVENT) and the worker keeps serving other cases', async () => {
    const id = await startComplaint('deep-signal');
    await h.docket.signal(id, { type: 'ACCEPT', actor: agent('mallory'), data: nested(3000) });
    const view = await waitFor(id, (v) => rejectedEntries(v).length === 1, 'recorded the rejected signal');
    expect(rejectedEntries(view)[0]).toMatchObject({ event: 'ACCEPT', code: 'INVALID_EVENT' });
    const other = await startComplaint('deep-signal-other');
    expect((await h.docket.send(other, { type: 'ACCEPT', actor: agent('bob') })).status).toBe('running');
    expect((await h.docket.send(id, { type: 'ACCEPT', actor: agent('alice') })).status).toBe('running');
  });
});

describe('900 KB notes', () => {
  const note = 'n'.repeat(900 * 1024);

  it('are refused as Updates with PAYLOAD_TOO_LARGE and no trace, however many arrive', async () => {
    const id = await startComplaint('big-update');
    const before = await settledHistoryLength(h.docket, id);
    for (let i = 0; i < 3; i++) {
      expect(await refusal(id, { type: 'ACCEPT', actor: agent('mallory'), data: { note } })).toBe('PAYLOAD_TOO_LARGE');
    }
    expect(await settledHistoryLength(h.docket, id)).toBe(before);
    const view = await h.docket.send(id, { type: 'ACCEPT', actor: agent('alice'), data: { note: 'a normal note' } });
    expect(view.status).toBe('running');
  });

  it('are recorded as rejected Signals without their data, and the case goes on', async () => {
    const id = await startComplaint('big-signal');
    await h.docket.signal(id, { type: 'ACCEPT', actor: agent('mallory'), data: { note } });
    const view = await waitFor(id, (v) => rejectedEntries(v).length === 1, 'recorded the rejected signal');
    expect(rejectedEntries(view)[0]).toMatchObject({ event: 'ACCEPT', code: 'PAYLOAD_TOO_LARGE' });
    expect(JSON.stringify(view).length).toBeLessThan(100_000);
    expect((await h.docket.send(id, { type: 'ACCEPT', actor: agent('alice') })).status).toBe('running');
  });
});

describe('an event that is not an object (null, a string, a list), sent straight to Temporal', () => {
  const notEvents: unknown[] = [null, 'ACCEPT', [1, 2], 42];

  it('is refused as an Update with INVALID_EVENT saying what an event is, and the case goes on', async () => {
    const id = await startComplaint('not-an-object-update');
    const handle = h.docket.client.workflow.getHandle(id);
    for (const notEvent of notEvents) {
      const err = await handle.executeUpdate('event', { args: [notEvent] }).then(
        () => undefined,
        (e: unknown) => e as { cause?: { type?: string; message?: string } },
      );
      expect({ sent: notEvent, type: err?.cause?.type, message: err?.cause?.message }).toEqual({
        sent: notEvent,
        type: 'INVALID_EVENT',
        message: 'the event must be an object { type, actor: { id, roles }, data }',
      });
    }
    expect((await h.docket.send(id, { type: 'ACCEPT', actor: agent('alice') })).status).toBe('running');
  });

  it('is recorded as a rejected Signal (INVALID_EVENT), and the case goes on', async () => {
    const id = await startComplaint('not-an-object-signal');
    const handle = h.docket.client.workflow.getHandle(id);
    for (const notEvent of notEvents) await handle.signal('event', notEvent);
    const view = await waitFor(id, (v) => rejectedEntries(v).length === notEvents.length, 'recorded the rejected signals');
    expect(rejectedEntries(view).map((e) => e.code)).toEqual(notEvents.map(() => 'INVALID_EVENT'));
    expect((await h.docket.send(id, { type: 'ACCEPT', actor: agent('alice') })).status).toBe('running');
  });
});

describe('a payload that cannot be decoded, sent with the raw gRPC API', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const payload = (encoding: string | undefined, data: string) => ({
    metadata: encoding === undefined ? {} : ({ encoding: bytes(encoding) } as Record<string, Uint8Array>),
    data: bytes(data),
  });

  it('as a Signal is recorded as rejected (INVALID_EVENT) and the case goes on; before, one such Signal left the case stuck for good', async () => {
    const id = await startComplaint('undecodable-signal');
    const sent = [
      payload('weird/enc', 'x'),
      payload('json/plain', '{not json'),
      payload(undefined, 'x'),
      payload('binary/plain', 'raw bytes'),
    ];
    for (const p of sent) {
      await h.docket.client.workflowService.signalWorkflowExecution({
        namespace: h.namespace,
        workflowExecution: { workflowId: id },
        signalName: 'event',
        input: { payloads: [p] },
        identity: 'hostile-input-test',
      });
    }
    const view = await waitFor(id, (v) => rejectedEntries(v).length === sent.length, 'recorded the rejected signals');
    expect(view.stuck).toBeUndefined();
    const rejected = rejectedEntries(view);
    expect(rejected.map((e) => e.code)).toEqual(sent.map(() => 'INVALID_EVENT'));
    expect(rejected[0].reason).toMatch(/^the event's payload could not be decoded \(encoding "weird\/enc": .*\); send it as JSON/);
    expect(rejected[1].reason).toMatch(/^the event's payload could not be decoded \(encoding "json\/plain": /);
    expect(rejected[3].reason).toBe('the event must be an object { type, actor: { id, roles }, data }');
    expect((await h.docket.send(id, { type: 'ACCEPT', actor: agent('alice') })).status).toBe('running');

    // The history replays, and the offline re-run of the audit refuses the same Signals the same way.
    const file = parseHistoryJson(await h.docket.history(id), `${id}.json`);
    const [replayed] = await replayHistoryFiles([file], { workflowBundle: { codePath: h.bundlePath }, quiet: true });
    expect({ ok: replayed.ok, failure: replayed.failure }).toEqual({ ok: true, failure: undefined });
    const report = await auditHistory(file, { replay: false });
    expect(report.timelineSource).toBe('rerun');
    const rerunRejected = report.timeline.filter((e): e is Extract<TimelineEntry, { kind: 'rejected' }> => e.kind === 'rejected');
    expect(rerunRejected.map((e) => [e.code, e.reason])).toEqual(rejected.map((e) => [e.code, e.reason]));
  });

  it('as a start input fails the case at once as INVALID_START, saying what to send', async () => {
    const id = h.caseId('undecodable-start');
    await h.docket.client.workflowService.startWorkflowExecution({
      namespace: h.namespace,
      workflowId: id,
      workflowType: { name: 'process' },
      taskQueue: { name: h.taskQueue },
      input: { payloads: [payload('weird/enc', 'x')] },
      identity: 'hostile-input-test',
      requestId: `${id}-start`,
    });
    const view = await waitFor(id, (v) => v.status === 'failed', 'failed');
    expect(view.failure).toEqual({
      code: 'INVALID_START',
      message: expect.stringMatching(/^the start input could not be decoded \(encoding "weird\/enc": .*\); send it as JSON/),
    });
  });
});
