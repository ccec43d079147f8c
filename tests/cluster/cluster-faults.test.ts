/**
 * Faults at scale on a real Temporal cluster (`npm run test:cluster`, issue 15 item 5).
 *
 * Starts the Temporal server as four processes (devserver/cluster.ts) on a PostgreSQL of its own,
 * a second PostgreSQL for docket's activity store, and two `docket worker` processes; deploys the
 * shipped complaint process with short follow-up and P1 response deadlines, the shipped refund
 * approval and the monitor; starts DOCKET_CLUSTER_CASES complaints (500) and drives them all:
 *
 * - P1 complaints (every third) alert the supervisor (a notification), miss their 2 s response
 *   deadline, escalate to the lead (a notification) and are accepted by a lead;
 * - P2 complaints are accepted by an agent at once;
 * - every other complaint is resolved with a refund, which runs the refund-approval child (the
 *   lead is notified, approves, `issueRefund` pays into the shared ledger); the rest without;
 * - every complaint then runs the "3+7" follow-up on 1 s timers nobody answers and closes as
 *   `closed_no_survey`.
 *
 * While the cases are in flight: kill -9 one worker, kill -9 the history service, restart both,
 * restart the store's PostgreSQL; each fault is triggered by progress (how many cases have been
 * resolved), never by the clock. Afterwards, from Temporal's histories and the store: every case
 * finished where its events put it, every approved refund is paid exactly once, every notify that
 * completed is exactly one outbox row (no invocation has two, keys are unique), and every deadline
 * fired exactly once.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { PostgresStore } from '../../activities/postgres-store';
import type { OutboxMessage, RefundPayment } from '../../activities/store-types';
import { ProcessClient, type StateView } from '../../client';
import { ensureActorKeyPair, loadActorSigningKey } from '../../client/actor-signer';
import { startCluster, type TemporalCluster } from '../../devserver/cluster';
import { findTemporalServer } from '../../devserver/temporal-server';
import { startPostgres, type PostgresServer } from '../../scripts/postgres-server';
import { buildWorkflowBundle } from '../../worker/workflow-bundle';
import { spawnWorkerProcess, type WorkerTarget } from '../support/worker-process';
import { shippedDefinition, withTimings } from '../support/test-definitions';

const CASES = Number(process.env.DOCKET_CLUSTER_CASES || 500);
/** How many cases are driven at once (all CASES are started first, so all are in flight). */
const DRIVERS = 60;
const say = (line: string) => process.stderr.write(`[cluster test] ${line}\n`);

let temporalPg: PostgresServer;
let storePg: PostgresServer;
let cluster: TemporalCluster;
let store: PostgresStore;
let docket: ProcessClient;
let dir: string;
let target: WorkerTarget;
const workers = new Map<string, { child: ChildProcess; exited: Promise<string>; identity: string }>();

beforeAll(async () => {
  const started = Date.now();
  dir = fs.mkdtempSync(join(tmpdir(), 'docket-cluster-test-'));
  const build = await findTemporalServer({ build: true, onProgress: say });
  temporalPg = await startPostgres();
  storePg = await startPostgres();
  say(`PostgreSQL for Temporal on 127.0.0.1:${temporalPg.port}, PostgreSQL for the activity store on 127.0.0.1:${storePg.port}`);
  cluster = await startCluster({
    postgres: { host: '127.0.0.1', port: temporalPg.port, user: 'docket' },
    dataDir: join(dir, 'cluster'),
    build,
    onProgress: say,
  });
  store = new PostgresStore(storePg.url);
  await store.migrate();
  const bundle = await buildWorkflowBundle({ outFile: join(dir, 'workflow-bundle.js') });
  const keys = ensureActorKeyPair(join(dir, 'keys'), 'cluster-test');
  process.env.DOCKET_ACTOR_SIGNING_KEY = keys.signingKeyFile;
  target = { address: cluster.address, namespace: cluster.namespace, taskQueue: 'docket-cluster', dataDir: dir, bundlePath: bundle.path };
  const connection = await Connection.connect({ address: cluster.address });
  docket = new ProcessClient({
    client: new Client({ connection, namespace: cluster.namespace }),
    taskQueue: target.taskQueue,
    signingKey: loadActorSigningKey(keys.signingKeyFile),
  });
  say(`set up in ${Math.round((Date.now() - started) / 1000)} s`);
}, 20 * 60_000);

afterAll(async () => {
  for (const w of workers.values()) w.child.kill('SIGTERM');
  await Promise.all([...workers.values()].map((w) => w.exited));
  await docket?.close();
  await store?.close();
  await cluster?.stop();
  await storePg?.stop();
  await temporalPg?.stop();
  if (dir && !process.env.DOCKET_TEST_KEEP_DATA) fs.rmSync(dir, { recursive: true, force: true });
}, 120_000);

/** A `docket worker` process with its own data directory, on the shared PostgreSQL store. */
function spawnWorker(name: string): string {
  const child = spawnWorkerProcess(target, {
    env: { DOCKET_DATA_DIR: join(dir, `worker-${name}`), DOCKET_STORE_URL: storePg.url },
  });
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)));
  const identity = `${child.pid}@${hostname()}`;
  workers.set(name, { child, exited, identity });
  say(`worker ${name}: pid ${child.pid}`);
  return identity;
}

async function waitForPollers(identities: string[]): Promise<void> {
  const types = [
    temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  ];
  for (;;) {
    const polling = await Promise.all(
      types.map(async (taskQueueType) => {
        const { pollers } = await docket.client.workflowService.describeTaskQueue({
          namespace: cluster.namespace,
          taskQueue: { name: target.taskQueue },
          taskQueueType,
        });
        return new Set((pollers ?? []).map((p) => p.identity));
      }),
    );
    if (polling.every((set) => identities.every((id) => set.has(id)))) return;
    await sleep(250);
  }
}

interface Case {
  id: string;
  p1: boolean;
  refund?: number;
}

const as = (role: string, id: string) => ({ id, roles: [role] });
/** Client calls that failed while a fault was in progress and were tried again. */
const transient = new Map<string, number>();
const progress = { started: 0, resolved: 0, finished: 0 };

function noteTransient(err: unknown): void {
  const name = err instanceof Error ? `${err.name}: ${err.message.split('\n')[0].slice(0, 80)}` : String(err);
  transient.set(name, (transient.get(name) ?? 0) + 1);
}

/** Waits a moment between polls of one case (a second and a bit, so 60 drivers poll about 50 times a second). */
const pause = () => sleep(800 + Math.random() * 600);

/** Moves one complaint along from whatever state it is in until it has closed. */
async function drive(c: Case): Promise<void> {
  const child = `${c.id}/refund-approval-1`;
  let resolveSent = false;
  for (;;) {
    try {
      const view: StateView = await docket.state(c.id, { timelineLimit: 1 });
      if (view.status !== 'running') break;
      const [state] = view.state;
      if (state === 'awaiting_response') {
        // A P1 complaint waits for its response deadline to pass it to the lead; then a lead accepts it.
        if (!c.p1) await docket.send(c.id, { type: 'ACCEPT', actor: as('agent', `agent-${c.id.slice(-3)}`) });
        else if (view.context.heldBy === 'lead') await docket.send(c.id, { type: 'ACCEPT', actor: as('lead', 'lee.lead') });
      } else if (state === 'handling.working' && !resolveSent) {
        const owner = String(view.context.owner);
        const data = c.refund ? { resolution: 'refund', refund: { amount: c.refund } } : { resolution: 'explained' };
        await docket.send(c.id, { type: 'RESOLVE', actor: as(c.p1 ? 'lead' : 'agent', owner), data });
        resolveSent = true;
        progress.resolved += 1;
      } else if (state === 'refunding') {
        const review = await docket.state(child, { timelineLimit: 1 }).catch(() => undefined);
        if (review?.state.includes('review.lead')) await docket.send(child, { type: 'APPROVE', actor: as('lead', 'chen.lead') });
      }
    } catch (err) {
      noteTransient(err);
    }
    await pause();
  }
  progress.finished += 1;
}

/** Runs `fn` over `items`, `limit` at a time. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(200);
}

interface HistoryEvent {
  eventId: string;
  eventType: string;
  timerFiredEventAttributes?: { timerId: string };
  activityTaskScheduledEventAttributes?: { activityId: string; activityType?: { name?: string } };
  activityTaskStartedEventAttributes?: { identity?: string };
  activityTaskCompletedEventAttributes?: { scheduledEventId: string };
}

async function historyOf(id: string): Promise<HistoryEvent[]> {
  for (;;) {
    try {
      return (JSON.parse(await docket.history(id)) as { events: HistoryEvent[] }).events;
    } catch (err) {
      noteTransient(err);
      await sleep(500);
    }
  }
}

it(
  `keeps ${CASES} cases right through a worker kill, a history service kill and a store restart`,
  async () => {
    const run = Date.now().toString(36);
    const monitorId = `complaint-monitor-cluster-${run}`;
    // The shipped YAML with test timings: P1 must be accepted within 2 s (P2 keeps 24 h), the
    // level above then has an hour (so a P1 escalates exactly once), and the follow-up runs on 1 s.
    const complaint = withTimings('complaint', {
      monitorId,
      responseDeadline: [{ when: 'context.priority == "P1"', then: '2s' }, { then: '24h' }],
      levelDeadline: '1h',
      confirmAfter: '1s',
      followUpWindow: '1s',
      satisfactionAfter: '1s',
    });
    for (const p of cluster.processes()) {
      say(`temporal ${p.service.padEnd(8)} pid ${p.pid}  gRPC 127.0.0.1:${p.grpcPort}  membership 127.0.0.1:${p.membershipPort}`);
    }
    const idA = spawnWorker('A');
    const idB = spawnWorker('B');
    await waitForPollers([idA, idB]);
    await docket.deploy([complaint, shippedDefinition('refund-approval'), shippedDefinition('complaint-monitor')], {
      deployedBy: 'cluster-test',
    });

    const cases: Case[] = Array.from({ length: CASES }, (_, i) => ({
      id: `cluster-${run}-${String(i).padStart(3, '0')}`,
      p1: i % 3 === 0,
      refund: i % 2 === 0 ? 10 + (i % 50) : undefined,
    }));
    const began = Date.now();
    await pool(cases, 40, async (c) => {
      for (;;) {
        try {
          await docket.start({
            process: 'complaint',
            id: c.id,
            input: {
              customerId: `cust-${c.id.slice(-3)}`,
              customerName: 'Cluster Test',
              contact: 'test@example.com',
              channel: 'app',
              category: { level1: 'product_issue' },
              description: 'load on the cluster',
              impact: c.p1 ? 'partial' : 'ordinary',
            },
          });
          break;
        } catch (err) {
          noteTransient(err);
          await sleep(500);
        }
      }
      progress.started += 1;
    });
    const { count: inFlight } = await docket.client.workflowService.countWorkflowExecutions({
      namespace: cluster.namespace,
      query: `DocketProcess = 'complaint' AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH 'cluster-${run}-'`,
    });
    say(`${CASES} complaints started in ${Math.round((Date.now() - began) / 1000)} s; running per visibility: ${inFlight}`);

    // The faults, each when enough cases have moved on (progress, not time).
    const faults = (async () => {
      await until(() => progress.resolved >= CASES * 0.15);
      const a = workers.get('A')!;
      a.child.kill('SIGKILL');
      say(`kill -9 worker A (pid ${a.child.pid}) at ${progress.resolved} resolved: ${await a.exited}`);
      await until(() => progress.resolved >= CASES * 0.3);
      const history = cluster.processes().find((p) => p.service === 'history')!;
      say(`kill -9 history service (pid ${history.pid}) at ${progress.resolved} resolved: ${await cluster.kill('history')}`);
      const back = await cluster.restart('history');
      say(`history service restarted: pid ${back.pid}, gRPC 127.0.0.1:${back.grpcPort}`);
      const idA2 = spawnWorker('A2');
      await waitForPollers([idA2]);
      say(`worker A2 (replacing A) polls at ${progress.resolved} resolved`);
      await until(() => progress.resolved >= CASES * 0.5);
      await storePg.restart();
      say(`store PostgreSQL restarted (fast shutdown, start, port ${storePg.port}) at ${progress.resolved} resolved`);
    })();
    await pool(cases, DRIVERS, drive);
    await faults;
    const seconds = (Date.now() - began) / 1000;
    say(`${progress.finished} cases closed in ${seconds.toFixed(0)} s (${(CASES / seconds).toFixed(2)} cases/s with the faults)`);

    // Where each case ended, from its result; the refund children's outcomes.
    const results = await Promise.all(cases.map((c) => docket.result(c.id)));
    const refundCases = cases.filter((c) => c.refund);
    const children = await Promise.all(refundCases.map((c) => docket.result(`${c.id}/refund-approval-1`)));
    const wrong = cases.filter((c, i) => {
      const { outcome, context } = results[i];
      return (
        outcome !== 'closed_no_survey' ||
        context.escalationLevel !== (c.p1 ? 1 : 0) ||
        context.owner !== (c.p1 ? 'lee.lead' : `agent-${c.id.slice(-3)}`) ||
        (c.refund ? context.refundOutcome !== 'approved' : context.refundOutcome !== undefined)
      );
    });
    const approved = children.filter((r) => r.outcome === 'approved').length;

    // The store: ledger rows per refund id, outbox rows per key and per case.
    const ledger: RefundPayment[] = await store.refundLedger();
    const paidPerRefund = new Map<string, number>();
    for (const row of ledger) paidPerRefund.set(row.refundId, (paidPerRefund.get(row.refundId) ?? 0) + 1);
    const outbox: OutboxMessage[] = await store.listOutbox();
    const keys = new Set(outbox.map((m) => m.key));
    // Outbox rows per invocation: `<case id> <activity id>` → rows.
    const rowsPerInvocation = new Map<string, number>();
    for (const m of outbox) {
      const invocation = `${m.workflowId} ${m.activityId}`;
      rowsPerInvocation.set(invocation, (rowsPerInvocation.get(invocation) ?? 0) + 1);
    }

    // Histories: timers fired (each timer id at most once, the expected number per case), notify activities.
    const ids = [...cases.map((c) => c.id), ...refundCases.map((c) => `${c.id}/refund-approval-1`)];
    const fired = new Map<string, string[]>();
    // notify invocations per case: scheduled, and those that completed (a notify whose state was
    // left before it ran, e.g. the courtesy notice of a refund approved at once, is cancelled).
    const notifies = new Map<string, { scheduled: string[]; completed: string[] }>();
    const activitiesBy = new Map<string, number>();
    await pool(ids, 10, async (id) => {
      const events = await historyOf(id);
      fired.set(
        id,
        events.filter((e) => e.timerFiredEventAttributes).map((e) => e.timerFiredEventAttributes!.timerId),
      );
      const scheduled = new Map(
        events
          .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'notify')
          .map((e) => [String(e.eventId), e.activityTaskScheduledEventAttributes!.activityId]),
      );
      const completed = events
        .map((e) => scheduled.get(String(e.activityTaskCompletedEventAttributes?.scheduledEventId)))
        .filter((a): a is string => a !== undefined);
      notifies.set(id, { scheduled: [...scheduled.values()], completed });
      for (const e of events) {
        const identity = e.activityTaskStartedEventAttributes?.identity;
        if (identity) activitiesBy.set(identity, (activitiesBy.get(identity) ?? 0) + 1);
      }
    });
    const expectedFires = (c: Case) => (c.p1 ? 5 : 4); // P1: the response deadline; all: confirm, window, satisfaction, window
    const timersWrong = cases.filter((c) => fired.get(c.id)!.length !== expectedFires(c)).map((c) => c.id);
    const firedTwice = ids.filter((id) => new Set(fired.get(id)).size !== fired.get(id)!.length);
    const childTimers = refundCases.reduce((n, c) => n + fired.get(`${c.id}/refund-approval-1`)!.length, 0);
    // Every completed notify has exactly one row; no invocation has two; every row of a case is
    // one of its notify invocations.
    const invocationsOf = (id: string) => new Set(notifies.get(id)!.scheduled.map((a) => `${id} ${a}`));
    const outboxMismatch = ids.filter(
      (id) =>
        notifies.get(id)!.completed.some((a) => rowsPerInvocation.get(`${id} ${a}`) !== 1) ||
        outbox.some((m) => m.workflowId === id && !invocationsOf(id).has(`${m.workflowId} ${m.activityId}`)),
    );
    const deliveredTwice = [...rowsPerInvocation.values()].filter((n) => n > 1).length;
    const count = (pick: (n: { scheduled: string[]; completed: string[] }) => string[]) =>
      ids.reduce((n, id) => n + pick(notifies.get(id)!).length, 0);
    const caseIds = new Set(ids);

    const workerOf = new Map([...workers].map(([name, w]) => [w.identity, name]));
    say(
      `activities completed per worker: ${[...activitiesBy].map(([identity, n]) => `${workerOf.get(identity) ?? identity} ${n}`).join(', ')}`,
    );
    say(`cases finished: ${results.length}/${CASES}, where their events put them: ${CASES - wrong.length}/${CASES}`);
    say(
      `refunds approved: ${approved}/${refundCases.length}, paid: ${paidPerRefund.size} refund ids, ${ledger.length} ledger rows, paid more than once: ${[...paidPerRefund.values()].filter((n) => n > 1).length}`,
    );
    say(
      `notifications: ${count((n) => n.scheduled)} notify invocations in the histories, ${count((n) => n.completed)} completed, ` +
        `${outbox.filter((m) => caseIds.has(m.workflowId ?? '')).length} outbox rows for them; ${keys.size} distinct keys of ${outbox.length} rows (monitor included), ` +
        `invocations delivered twice: ${deliveredTwice}, cases whose rows do not match their completed invocations: ${outboxMismatch.length}`,
    );
    const firedTotal = cases.reduce((n, c) => n + fired.get(c.id)!.length, 0);
    const expectedTotal = cases.reduce((n, c) => n + expectedFires(c), 0);
    say(
      `deadlines fired: ${firedTotal} (expected ${expectedTotal}), cases with a deadline lost or extra: ${timersWrong.length}, timers fired twice: ${firedTwice.length}, refund-approval timers fired: ${childTimers}`,
    );
    say(
      `client calls retried during the faults: ${[...transient.values()].reduce((a, b) => a + b, 0)}${[...transient].map(([k, v]) => `\n  ${v} × ${k}`).join('')}`,
    );

    expect(results).toHaveLength(CASES);
    expect(wrong.map((c) => c.id)).toEqual([]);
    expect(approved).toBe(refundCases.length);
    expect(ledger.length).toBe(approved);
    expect([...paidPerRefund.keys()].sort()).toEqual(refundCases.map((c) => `${c.id}/refund-approval-1`).sort());
    expect(keys.size).toBe(outbox.length);
    expect(deliveredTwice).toBe(0);
    expect(outboxMismatch).toEqual([]);
    expect(timersWrong).toEqual([]);
    expect(firedTwice).toEqual([]);
    expect(childTimers).toBe(0);
  },
  40 * 60_000,
);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
