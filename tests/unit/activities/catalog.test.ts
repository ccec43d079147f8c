import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure, type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { activities, closeStore, ACTIVITY_CATALOG, ACTIVITY_NAMES, INVALID_ACTIVITY_INPUT } from '../../../activities';
import { startGrayEnvironment, type GrayEnvironment } from '../../../gray';
import { Client, Connection } from '@temporalio/client';
import { ProcessClient } from '../../../client';
import { startTestWorker, testServer, uniqueTaskQueue, type TestWorker } from '../../support/server';
import { shippedDefinitionFiles } from '../../support/test-definitions';

/** signalProcess starts its target by name from the registry of the activity's task queue: one served by a worker of this file. */
const CATALOG_QUEUE = uniqueTaskQueue();
let worker: TestWorker;

const silent: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
let seq = 0;
/** Runs a registered activity the way the worker does, in a fresh activity context. */
function run(name: string, input: unknown): Promise<unknown> {
  const env = new MockActivityEnvironment(
    { workflowExecution: { workflowId: 'catalog', runId: 'run-1' }, activityId: String(++seq), activityType: name, taskQueue: CATALOG_QUEUE },
    { logger: silent },
  );
  return env.run((activities as Record<string, (input: unknown) => Promise<unknown>>)[name], input);
}

let dataDir: string;
// The activities that reach another system get a real one: the traffic router on loopback, and
// the Jest run's Temporal dev server (signalProcess signals-with-start a case there).
let gray: GrayEnvironment;
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-catalog-'));
  process.env.DOCKET_DATA_DIR = dataDir;
  process.env.TEMPORAL_ADDRESS = testServer().address;
  delete process.env.DOCKET_WEBHOOK_URL;
  gray = await startGrayEnvironment();
  worker = await startTestWorker({ taskQueue: CATALOG_QUEUE, activities });
  const connection = await Connection.connect({ address: testServer().address });
  try {
    await new ProcessClient({ client: new Client({ connection, namespace: testServer().namespace }), taskQueue: CATALOG_QUEUE }).deployFiles(shippedDefinitionFiles(), { deployedBy: 'catalog-test' });
  } finally {
    await connection.close();
  }
});
afterAll(async () => {
  await worker?.stop();
  await gray?.stop();
  closeStore();
  fs.rmSync(dataDir, { recursive: true, force: true });
  delete process.env.DOCKET_DATA_DIR;
});

describe('the registered activities', () => {
  it('are exactly the catalog names the validator accepts', () => {
    expect(Object.keys(activities).sort()).toEqual([...ACTIVITY_NAMES].sort());
  });

  /** Values that must be real (a process id, the router) or not strings; every other required field gets `some <field>`. */
  const typedValues = (): Record<string, unknown> => ({
    amount: 120.5,
    weight: 25,
    maxErrorRate: 0.02,
    maxP95Ms: 800,
    minRequests: 10,
    routerUrl: gray.routerUrl,
    version: 'v2',
    process: 'complaint-monitor',
    id: `catalog-monitor-${process.pid}`,
    type: 'COMPLAINT_RECEIVED',
  });

  describe.each(ACTIVITY_NAMES)('%s', (name) => {
    const requires: readonly string[] = ACTIVITY_CATALOG[name].requires;
    const complete = () => Object.fromEntries(requires.map((field) => [field, typedValues()[field] ?? `some ${field}`]));

    it('runs with just the inputs its catalog entry requires', async () => {
      await expect(run(name, complete())).resolves.toBeDefined();
    });

    it.each(requires)('rejects a missing "%s" as a non-retryable input error', async (field) => {
      const { [field]: _omitted, ...input } = complete();
      const failure: unknown = await run(name, input).then(() => 'resolved', (err: unknown) => err);
      if (!(failure instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(failure)}`);
      expect(failure.nonRetryable).toBe(true);
      expect(failure.type).toBe(INVALID_ACTIVITY_INPUT);
      expect(failure.message).toMatch(new RegExp(`^${name}: missing "${field}" \\(.+\\); set it in the invoke's with: map$`));
    });

    it('rejects an input that is not one object', async () => {
      await expect(run(name, undefined)).rejects.toThrow(`${name}: expected one object (the invoke's with: map), got nothing`);
      await expect(run(name, ['a'])).rejects.toThrow(`${name}: expected one object (the invoke's with: map), got an array`);
    });
  });
});
