/**
 * signalProcess with just the inputs its catalog entry requires, against the Jest run's dev
 * server: it signals-with-start a case of a deployed process by name (the offline catalog checks
 * of every activity are tests/unit/activities/catalog.test.ts).
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
  const values: Record<string, unknown> = { process: 'complaint-monitor', id: `signal-monitor-${process.pid}`, type: 'COMPLAINT_RECEIVED' };
  const input = Object.fromEntries(
    ACTIVITY_CATALOG.signalProcess.requires.map((field: string) => [field, values[field] ?? `some ${field}`]),
  );
  const env = new MockActivityEnvironment(
    { workflowExecution: { workflowId: 'catalog', runId: 'run-1' }, activityId: '1', activityType: 'signalProcess', taskQueue: QUEUE },
    { logger: silent },
  );
  await expect(env.run(activities.signalProcess as (input: unknown) => Promise<unknown>, input)).resolves.toBeDefined();
});
