/**
 * Issue 9, items 4 and 5 on a real server: an event is applied once and the caller knows (the same
 * update id twice, a retry after an unknown outcome), and a case whose workflow task fails for a
 * reason outside docket says so in `state` instead of "internal error".
 */
import { join } from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { EventOutcomeUnknownError, type StateView } from '../../client';
import { formatStateView } from '../../cli/output';
import { userMessage } from '../../cli/run-command';
import { startHarness, type Harness } from '../support/harness';
import { docket as runDocket } from './audit/support';

const as = (role: string, id: string) => ({ id, roles: [role] });
const intake = {
  customerId: 'cust-9',
  customerName: 'Ana Lima',
  contact: '+55 11 0000 0000',
  channel: 'phone',
  category: { level1: 'logistics_delay', level2: 'late parcel' },
  description: 'Parcel late',
  demand: 'deliver',
  impact: 'ordinary',
};
const transfer = (need: string) => ({
  type: 'TRANSFER',
  actor: as('agent', 'alice'),
  data: { department: 'logistics', contact: 'bo', need },
});

let h: Harness;
let worker: { stop(): Promise<void> } | undefined;
beforeAll(async () => {
  h = await startHarness({ withWorker: false });
  worker = await h.startWorker();
  await h.deployShipped();
});
afterAll(async () => {
  await worker?.stop();
  await h?.stop();
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A complaint accepted by alice, in handling.working, where TRANSFER may be sent again and again. */
async function workingCase(name: string): Promise<string> {
  const id = h.caseId(name);
  await h.docket.start({ process: 'complaint', id, input: intake });
  await waitFor('awaiting_response', async () => ((await h.docket.state(id)).state.includes('awaiting_response') ? true : undefined));
  await h.docket.send(id, { type: 'ACCEPT', actor: as('agent', 'alice') });
  await waitFor('handling.working', async () => ((await h.docket.state(id)).state.includes('handling.working') ? true : undefined));
  return id;
}

/** UpdateAccepted events of the case's history with this update id. */
async function acceptedWith(id: string, updateId: string): Promise<number> {
  const { events } = JSON.parse(await h.docket.history(id)) as {
    events: Array<Record<string, { acceptedRequest?: { meta?: { updateId?: string } } }>>;
  };
  return events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === updateId).length;
}

/** `docket …` against the test server and this file's task queue. */
const cli = (...args: string[]) =>
  runDocket(args, { TEMPORAL_ADDRESS: h.address, TEMPORAL_NAMESPACE: h.namespace, DOCKET_TASK_QUEUE: h.taskQueue });

const transfers = (view: StateView) => view.timeline.filter((e) => e.kind === 'transition' && e.event === 'TRANSFER').length;

describe('an event is applied once, and the caller knows', () => {
  it('the same update id sent twice is applied once and answers the same result', async () => {
    const id = await workingCase('same-update-id');
    const first = await h.docket.send(id, transfer('parcel trace'), { updateId: 'transfer-1' });
    const second = await h.docket.send(id, transfer('parcel trace'), { updateId: 'transfer-1' });
    expect(second).toEqual(first);
    expect(await acceptedWith(id, 'transfer-1')).toBe(1);
    expect(transfers(await h.docket.state(id))).toBe(1);
    // A fresh id is a new event, which the case now refuses: without the update id a retry would be told so.
    await expect(h.docket.send(id, transfer('parcel trace'))).rejects.toMatchObject({ code: 'EVENT_NOT_ALLOWED' });
    expect(transfers(await h.docket.state(id))).toBe(1);
  });

  it('docket send --update-id twice prints accepted twice and applies the event once', async () => {
    const id = await workingCase('cli-update-id');
    const args = [
      'send',
      id,
      'TRANSFER',
      '--as',
      'agent:alice',
      '--data',
      JSON.stringify(transfer('from the cli').data),
      '--update-id',
      'cli-transfer-1',
    ];
    const first = await cli(...args);
    const second = await cli(...args);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(first.stdout).toMatch(/^TRANSFER accepted; case \S+ is now in handling\./);
    // The same result (the report's first line; its deadlines say "in …" from the time of printing).
    expect(second.stdout.split('\n')[0]).toBe(first.stdout.split('\n')[0]);
    expect(await acceptedWith(id, 'cli-transfer-1')).toBe(1);
    expect(transfers(await h.docket.state(id))).toBe(1);
  });

  it('after an unknown outcome (no worker, the call timed out), the retry with the same id is applied exactly once', async () => {
    const id = await workingCase('unknown-outcome');
    await worker!.stop();
    worker = undefined;
    const error = await h.docket
      .send(id, transfer('while down'), { updateId: 'down-1', rpcTimeoutMs: 1_000, retryUnknownForMs: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventOutcomeUnknownError);
    expect((error as EventOutcomeUnknownError).updateId).toBe('down-1');
    expect(userMessage(error)).toMatch(/--update-id down-1/);
    worker = await h.startWorker();
    const result = await h.docket.send(id, transfer('while down'), { updateId: 'down-1' });
    expect(result.timeline.filter((e) => e.kind === 'transition' && e.event === 'TRANSFER')).toHaveLength(1);
    expect(await acceptedWith(id, 'down-1')).toBe(1);
    expect(transfers(await h.docket.state(id))).toBe(1);
  });

  it('send retries an unknown outcome by itself with the same update id, and answers only once applied', async () => {
    const id = await workingCase('auto-retry');
    await worker!.stop();
    worker = undefined;
    const retries: Array<{ attempt: number; updateId: string }> = [];
    const result = await h.docket.send(id, transfer('retried'), {
      rpcTimeoutMs: 1_000,
      retryUnknownForMs: 120_000,
      onRetry: async (info) => {
        retries.push(info);
        // The worker comes back only after the first attempt's outcome was unknown.
        if (!worker) worker = await h.startWorker();
      },
    });
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(new Set(retries.map((r) => r.updateId)).size).toBe(1);
    expect(await acceptedWith(id, retries[0].updateId)).toBe(1);
    expect(result.state).toEqual(['handling.transferring']);
    expect(transfers(await h.docket.state(id))).toBe(1);
  });
});

describe('a stuck case says what is wrong', () => {
  it('a workflow task failing outside docket shows its cause in state (client and CLI)', async () => {
    const queue = `${h.taskQueue}-broken`;
    const connection = await NativeConnection.connect({ address: h.address });
    const broken = await Worker.create({
      connection,
      namespace: h.namespace,
      taskQueue: queue,
      workflowsPath: join(__dirname, '../fixtures/broken-workflow'),
    });
    const running = broken.run();
    const id = h.caseId('stuck');
    const handle = await h.docket.client.workflow.start('process', {
      workflowId: id,
      taskQueue: queue,
      args: [{ process: 'complaint', input: intake }],
    });
    try {
      const view = await waitFor('the case to be reported stuck', async () => (await h.docket.state(id)).stuck);
      expect(view.attempts).toBeGreaterThanOrEqual(1);
      expect(view.cause).toBe('WORKFLOW_WORKER_UNHANDLED_FAILURE');
      expect(view.message).toMatch(/broken on purpose/);
      const state = await h.docket.state(id);
      expect(state.status).toBe('running');
      expect(state.process).toBe('');
      expect(formatStateView(state).join('\n')).toMatch(
        /stuck\s+workflow task failing \(attempt \d+\): WORKFLOW_WORKER_UNHANDLED_FAILURE: .*broken on purpose/,
      );
      const printed = await cli('state', id);
      expect(printed.code).toBe(0);
      expect(printed.stdout).toMatch(
        /stuck\s+workflow task failing \(attempt \d+\): WORKFLOW_WORKER_UNHANDLED_FAILURE: .*broken on purpose/,
      );
      // An event to it is not "internal error": its outcome is unknown, and the error says why.
      const error = await h.docket
        .send(id, { type: 'ACCEPT', actor: as('agent', 'alice') }, { rpcTimeoutMs: 2_000, retryUnknownForMs: 0 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventOutcomeUnknownError);
      expect(userMessage(error)).toMatch(/the case is stuck: .*WORKFLOW_WORKER_UNHANDLED_FAILURE/);
    } finally {
      // Leave nothing retrying for the teardown check.
      await handle.terminate('stuck-case test done');
      broken.shutdown();
      await running;
      await connection.close();
    }
  });
});
