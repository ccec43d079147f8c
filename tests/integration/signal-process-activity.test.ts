/**
 * The activities that talk to Temporal themselves, with just the inputs their catalog entries
 * require, against the Jest run's dev server: signalProcess signals-with-start a case of a
 * deployed process by name, startProcess starts one only when it is not running, countCases reads
 * visibility (the offline catalog checks of every activity are tests/unit/activities/catalog.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { activities, closeStore, ACTIVITY_CATALOG } from '../../activities';
import { ProcessClient } from '../../client';
import { startTestWorker, testServer, uniqueTaskQueue, type TestWorker } from '../support/server';
import { shippedDefinitionFiles } from '../support/test-definitions';

const QUEUE = uniqueTaskQueue();
const silent: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
let worker: TestWorker;
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-signal-'));
  process.env.DOCKET_DATA_DIR = dataDir;
  process.env.TEMPORAL_ADDRESS = testServer().address;
  worker = await startTestWorker({ taskQueue: QUEUE, activities });
  const connection = await Connection.connect({ address: testServer().address });
  try {
    await new ProcessClient({ client: new Client({ connection, namespace: testServer().namespace }), taskQueue: QUEUE }).deployFiles(
      shippedDefinitionFiles(),
      { deployedBy: 'signal-test' },
    );
  } finally {
    await connection.close();
  }
});
afterAll(async () => {
  await worker?.stop();
  closeStore();
  fs.rmSync(dataDir, { recursive: true, force: true });
  delete process.env.DOCKET_DATA_DIR;
});

it('signalProcess runs with just the inputs its catalog entry requires', async () => {
  const values: Record<string, unknown> = { process: 'complaint-monitor', id: `signal-monitor-${process.pid}`, type: 'CHECK_NOW' };
  const input = Object.fromEntries(
    ACTIVITY_CATALOG.signalProcess.requires.map((field: string) => [field, values[field] ?? `some ${field}`]),
  );
  const env = new MockActivityEnvironment(
    { workflowExecution: { workflowId: 'catalog', runId: 'run-1' }, activityId: '1', activityType: 'signalProcess', taskQueue: QUEUE },
    { logger: silent },
  );
  await expect(env.run(activities.signalProcess as (input: unknown) => Promise<unknown>, input)).resolves.toBeDefined();
});

function activityEnv(name: string, id: string): MockActivityEnvironment {
  return new MockActivityEnvironment(
    { workflowExecution: { workflowId: 'catalog', runId: 'run-1' }, activityId: id, activityType: name, taskQueue: QUEUE },
    { logger: silent },
  );
}

const monitorId = `started-monitor-${process.pid}`;

it('startProcess starts a case by process name once: a second call finds the running case and leaves it alone', async () => {
  const start = activities.startProcess as (input: unknown) => Promise<{ id: string; runId: string }>;
  const first: { runId: string } = await activityEnv('startProcess', '1').run(start, { process: 'complaint-monitor', id: monitorId });
  const second = await activityEnv('startProcess', '2').run(start, { process: 'complaint-monitor', id: monitorId });
  expect(second).toEqual(first);
  const connection = await Connection.connect({ address: testServer().address });
  try {
    const description = await new Client({ connection, namespace: testServer().namespace }).workflow.getHandle(monitorId).describe();
    expect(description.runId).toBe(first.runId);
    expect(description.status.name).toBe('RUNNING');
  } finally {
    await connection.close();
  }
});

it('countCases counts the cases of a process on its task queue and holds the watermark before one without a category', async () => {
  const count = activities.countCases as (input: unknown) => Promise<{ today: number; runs: unknown[]; seen: number; watermark: number }>;
  const now = Date.now() + 60_000;
  type Counted = { today: number; runs: unknown[]; seen: number; watermark: number };
  let result: Counted = await activityEnv('countCases', '3').run(count, { process: 'complaint-monitor', now, since: 0, settle: '1s' });
  // Visibility is eventually consistent: wait until the monitor started above shows.
  for (const deadline = Date.now() + 30_000; result.today < 1 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    result = await activityEnv('countCases', '3').run(count, { process: 'complaint-monitor', now, since: 0, settle: '1s' });
  }
  expect(result.today).toBeGreaterThanOrEqual(1);
  // A monitor has no category: recently started, it holds the watermark just before its start (it may still get one).
  expect(result).toMatchObject({ runs: [], seen: 0 });
  expect(result.watermark).toBeLessThan(now);
});
