/**
 * Many workers, one shared store: worker processes (the real `docket worker`) on one task queue,
 * each with its own data directory, all on one PostgreSQL activity store (a real throwaway server).
 *
 * - A refund whose first worker pays and dies before answering is retried by Temporal on the
 *   other worker, which finds the payment in the shared ledger: paid once. (The same with a
 *   SQLite file per worker pays twice: the reason for the shared store.)
 * - Cases started while two workers poll are spread across both; every refund is paid once.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { closeStore } from '../../activities';
import { PostgresStore } from '../../activities/postgres-store';
import { SqliteStore } from '../../activities/sqlite-store';
import { CaseNotFoundError, type StateView } from '../../client';
import type { ProcessDefinition } from '../../dsl/types';
import { startPostgres, type PostgresServer } from '../../scripts/postgres-server';
import { spawnWorkerProcess } from '../support/worker-process';
import { startHarness, type Harness } from '../support/harness';
import { shippedDefinition } from '../support/test-definitions';

const ROOT = join(__dirname, '..', '..');
const CASES = 20;

let pg: PostgresServer;
let ledger: PostgresStore;
let h: Harness;
const workers: Array<{
  name: string;
  child: ChildProcess;
  dataDir: string;
  identity: string;
  exited: Promise<NodeJS.Signals | number | null>;
}> = [];

beforeAll(async () => {
  pg = await startPostgres();
  ledger = new PostgresStore(pg.url);
  h = await startHarness({ withWorker: false });
});

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
  for (const w of workers) rmSync(w.dataDir, { recursive: true, force: true });
  await h?.stop();
  await ledger?.close();
  await closeStore();
  await pg?.stop();
});

/**
 * A worker process with a data directory of its own and the shared PostgreSQL store (or, with
 * `store: 'sqlite'`, the SQLite file in its own directory); `dying` pays, then SIGKILLs itself.
 */
function spawnWorker(name: string, options: { dying?: boolean; store?: 'postgres' | 'sqlite' } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), `docket-worker-${name}-`));
  const child = spawnWorkerProcess(h, {
    script: options.dying ? join(ROOT, 'tests', 'support', 'dying-worker.ts') : undefined,
    env: { DOCKET_DATA_DIR: dataDir, DOCKET_STORE_URL: options.store === 'sqlite' ? '' : pg.url },
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const worker = { name, child, dataDir, exited, identity: `${child.pid}@${hostname()}` };
  workers.push(worker);
  return worker;
}

// The shipped refund process, with the payment's timeout shortened so the dead worker's attempt
// times out in seconds rather than 30.
const definition: ProcessDefinition = shippedDefinition('refund-approval');
definition.states.paying.invoke!.timeout = '3s';
const as = (role: string, id: string) => ({ id, roles: [role] });
const refundInput = (caseId: string, amount: number) => ({
  caseId,
  amount,
  requestedBy: 'alice',
  customerId: 'cust-7',
  reason: 'parcel lost',
});

/** Waits until every one of `identities` polls the task queue for workflow and for activity tasks. */
async function waitForPollers(identities: string[]): Promise<void> {
  for (;;) {
    const polling = await Promise.all(
      [temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY].map(
        async (taskQueueType) => {
          const { pollers } = await h.docket.client.workflowService.describeTaskQueue({
            namespace: h.namespace,
            taskQueue: { name: h.taskQueue },
            taskQueueType,
          });
          return new Set((pollers ?? []).map((p) => p.identity));
        },
      ),
    );
    if (polling.every((set) => identities.every((id) => set.has(id)))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function waitForState(id: string, state: string): Promise<StateView> {
  for (;;) {
    const view = await h.docket.state(id).catch((err: unknown) => (err instanceof CaseNotFoundError ? undefined : Promise.reject(err)));
    if (view?.state.includes(state)) return view;
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Worker identities that started `issueRefund` in the case's history, with the attempt that completed. */
async function refundAttempts(id: string): Promise<Array<{ identity: string; attempt: number }>> {
  interface HistoryJsonEvent {
    eventId: string;
    activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
    activityTaskStartedEventAttributes?: { scheduledEventId: string; identity: string; attempt: number };
  }
  const events = JSON.parse(await h.docket.history(id)).events as HistoryJsonEvent[];
  const scheduled = new Set(
    events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'issueRefund').map((e) => String(e.eventId)),
  );
  return events
    .filter((e) => e.activityTaskStartedEventAttributes && scheduled.has(String(e.activityTaskStartedEventAttributes.scheduledEventId)))
    .map((e) => ({ identity: e.activityTaskStartedEventAttributes!.identity, attempt: e.activityTaskStartedEventAttributes!.attempt }));
}

it('with a SQLite file per worker host, the retry on the other host pays again (why PostgreSQL is needed)', async () => {
  const dying = spawnWorker('sqlite-dying', { dying: true, store: 'sqlite' });
  const id = h.caseId('sqlite-paid-twice');
  await h.deployShipped();
  await h.docket.start({ definition, id, input: refundInput(id, 75) });
  await waitForState(id, 'review.lead');
  await h.docket.send(id, { type: 'APPROVE', actor: as('lead', 'chen.lead') });
  expect(await dying.exited).toBe('SIGKILL');

  const other = spawnWorker('sqlite-other', { store: 'sqlite' });
  const result = await h.docket.result(id);
  expect(result.context.payment).toMatchObject({ refundId: id, duplicate: false });
  const ledgers = [dying, other].map((w) => new SqliteStore(join(w.dataDir, 'docket.db')));
  const paid = await Promise.all(ledgers.map((l) => l.refundLedger({ refundId: id })));
  await Promise.all(ledgers.map((l) => l.close()));
  expect(paid.map((p) => p.length)).toEqual([1, 1]);
  other.child.kill('SIGTERM');
  await other.exited;
});

it('pays a refund once when the worker that paid dies and the other worker retries it', async () => {
  const dying = spawnWorker('dying', { dying: true });
  const id = h.caseId('paid-then-died');
  await h.docket.start({ definition, id, input: refundInput(id, 75) });
  await waitForState(id, 'review.lead');
  await h.docket.send(id, { type: 'APPROVE', actor: as('lead', 'chen.lead') });

  // The dying worker pays, then is gone before it answers.
  expect(await dying.exited).toBe('SIGKILL');
  const paidByDying = await ledger.refundLedger({ refundId: id });
  expect(paidByDying).toHaveLength(1);

  const other = spawnWorker('other');
  const result = await h.docket.result(id);
  expect(result.outcome).toBe('approved');
  // The retry ran on the other worker (attempt 2) and found the first payment.
  expect(await refundAttempts(id)).toEqual([{ identity: other.identity, attempt: 2 }]);
  expect(result.context.payment).toMatchObject({ refundId: id, amount: 75, duplicate: true, key: paidByDying[0].key });
  expect(await ledger.refundLedger({ refundId: id })).toEqual(paidByDying);
  // Neither worker wrote a local SQLite file: the side effects live in the shared store only.
  expect(existsSync(join(dying.dataDir, 'docket.db'))).toBe(false);
  expect(existsSync(join(other.dataDir, 'docket.db'))).toBe(false);
});

it(`spreads ${CASES} cases across two workers and pays each refund once`, async () => {
  const second = spawnWorker('second');
  const running = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
  expect(running.map((w) => w.name)).toEqual(['other', 'second']);
  // Both must be polling before the cases start, or the first one would take them all.
  await waitForPollers(running.map((w) => w.identity));

  const ids = Array.from({ length: CASES }, (_, i) => h.caseId(`spread-${i}`));
  await Promise.all(ids.map((id, i) => h.docket.start({ process: 'refund-approval', id, input: refundInput(id, 10 + i) })));
  await Promise.all(ids.map((id) => waitForState(id, 'review.lead')));
  await Promise.all(ids.map((id) => h.docket.send(id, { type: 'APPROVE', actor: as('lead', 'chen.lead') })));
  const results = await Promise.all(ids.map((id) => h.docket.result(id)));
  expect(results.map((r) => r.outcome)).toEqual(ids.map(() => 'approved'));

  const payments = await Promise.all(ids.map((id) => ledger.refundLedger({ refundId: id })));
  expect(payments.map((p) => p.length)).toEqual(ids.map(() => 1));
  expect(payments.map((p) => p[0].amount)).toEqual(ids.map((_, i) => 10 + i));

  const ranOn = new Set((await Promise.all(ids.map(refundAttempts))).flat().map((a) => a.identity));
  expect([...ranOn].sort()).toEqual(running.map((w) => w.identity).sort());
  expect(second.child.exitCode).toBeNull();
});
