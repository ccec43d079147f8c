/**
 * The worker's Prometheus endpoint (`DOCKET_METRICS_ADDRESS`) on a real worker process: the
 * Temporal runtime's own worker metrics and docket's case metrics (workflows/case-metrics.ts).
 * Two cases of a small process: one, on a version with a 1 s deadline, is left until the deadline
 * fires (missed) and is sent a refused event and an unsigned one (refused as UNAUTHENTICATED); the other, started after that on a version whose
 * deadline is an hour, answers in time (met); both finish. No step races a real timer: the test
 * waits for the first case to reach its late state however long that takes, and the second case
 * cannot miss an hour-long deadline (it used to share the 1 s one and had to answer within it). The late one's declared
 * wait (a reminder) is counted as a wait, cancelled, though its state takes events. Checked by reading the
 * counters until they reach these values (each is counted once however long the wait), not by
 * counting in a stretch of time.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { ProcessDefinition } from '../../dsl/types';
import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { EventRejectedError } from '../../client';
import { eventUpdate } from '../../contract/handles';
import { spawnWorkerProcess } from '../support/worker-process';
import { startHarness, type Harness } from '../support/harness';

const agent = { id: 'ana', roles: ['agent'] };

const probe = (deadline: string) =>
  ({
    process: 'metrics-probe',
    title: 'Metrics probe',
    roles: ['agent', 'customer'],
    events: { ACK: { by: ['agent'] } },
    initial: 'waiting',
    states: {
      waiting: { on: { ACK: 'done' }, after: [{ kind: 'deadline', delay: deadline, target: 'late', name: 'ack deadline' }] },
      // A declared wait in a state that takes events: the old guess counted it as a deadline met.
      late: { on: { ACK: 'done' }, after: [{ kind: 'wait', delay: '1h', name: 'reminder' }] },
      done: { type: 'final', outcome: 'acknowledged' },
    },
  }) as unknown as ProcessDefinition;

let h: Harness;
let worker: ChildProcess;
let port: number;

beforeAll(async () => {
  h = await startHarness({ withWorker: false });
  port = await freePort();
  worker = spawnWorkerProcess(h, { env: { DOCKET_METRICS_ADDRESS: `127.0.0.1:${port}` } });
});

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
  }
  await h?.stop();
});

it('counts cases, accepted and refused events, and a met and a missed deadline, next to the worker metrics', async () => {
  const inTime = h.caseId('in-time');
  const late = h.caseId('late');
  // Version 1 of metrics-probe: the late case misses its 1 s deadline (waited for as a condition).
  await h.docket.start({ definition: probe('1s'), id: late, input: {} });
  await waitFor(async () => (await h.docket.state(late)).state.includes('late'), 'the late case to miss its deadline');
  // Version 2, the same process (the counters are by process): an hour to answer.
  await h.docket.start({ definition: probe('1h'), id: inTime, input: {} });
  await h.docket.send(inTime, { type: 'ACK', actor: agent });
  const refused = await h.docket.send(late, { type: 'ACK', actor: { id: 'cy', roles: ['customer'] } }).catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(EventRejectedError);
  // Straight to Temporal without a signed actor: refused before the event gate, and counted too.
  const unsigned = new Client({ connection: h.docket.client.connection, namespace: h.namespace });
  const forged = await unsigned.workflow
    .getHandle(late)
    .executeUpdate(eventUpdate, { args: [{ type: 'ACK', actor: agent }] })
    .catch((err: unknown) => err);
  expect(forged).toBeInstanceOf(WorkflowUpdateFailedError);
  expect(((forged as WorkflowUpdateFailedError).cause as ApplicationFailure).details?.[0]).toMatchObject({ code: 'UNAUTHENTICATED' });
  await h.docket.send(late, { type: 'ACK', actor: agent });
  expect((await h.docket.result(inTime)).outcome).toBe('acknowledged');
  expect((await h.docket.result(late)).outcome).toBe('acknowledged');

  const tags = `process="metrics-probe"`;
  const want: Array<[RegExp, number]> = [
    [counter('docket_cases_started', tags), 2],
    [counter('docket_cases_finished', tags, 'outcome="acknowledged"', 'status="completed"'), 2],
    [counter('docket_events', tags, 'event="ACK"', 'result="accepted"', 'via="update"'), 2],
    [counter('docket_events', tags, 'code="ROLE_NOT_ALLOWED"', 'event="ACK"', 'result="rejected"'), 1],
    [counter('docket_events', tags, 'code="UNAUTHENTICATED"', 'event="ACK"', 'result="rejected"'), 1],
    [counter('docket_deadlines', tags, 'deadline="ack deadline"', 'kind="deadline"', 'result="met"'), 1],
    [counter('docket_deadlines', tags, 'deadline="ack deadline"', 'kind="deadline"', 'result="missed"'), 1],
    [counter('docket_deadlines', tags, 'deadline="reminder"', 'kind="wait"', 'result="cancelled"'), 1],
  ];
  let text = '';
  await waitFor(async () => {
    text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return want.every(([pattern, value]) => valueOf(text, pattern) === value);
  }, `the counters in:\n${text}`).catch((err: Error) => {
    throw new Error(
      `${err.message}\n${text
        .split('\n')
        .filter((l) => l.startsWith('docket_'))
        .join('\n')}`,
    );
  });
  // Temporal's own worker metrics are on the same endpoint.
  expect(text).toMatch(/^temporal_workflow_completed\S* \d+/m);
});

/** A line of counter `name` (with or without `_total`) carrying every one of `tags`, in any order. */
function counter(name: string, ...tags: string[]): RegExp {
  const lookaheads = tags.map((t) => `(?=[^}]*${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`).join('');
  return new RegExp(`^${name}(?:_total)?\\{${lookaheads}[^}]*\\} (\\d+)`, 'm');
}

function valueOf(text: string, pattern: RegExp): number | undefined {
  const m = pattern.exec(text);
  return m ? Number(m[1]) : undefined;
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as { port: number };
      server.close(() => resolve(p));
    });
  });
}
