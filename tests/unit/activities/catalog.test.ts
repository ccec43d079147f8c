import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure, type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { activities, closeStore, ACTIVITY_CATALOG, ACTIVITY_NAMES, INVALID_ACTIVITY_INPUT } from '../../../activities';
import { startGrayEnvironment, type GrayEnvironment } from '../../../examples/gray-router';

/**
 * Every activity against its catalog entry, offline: the traffic router on loopback is the only
 * other system. signalProcess, startProcess and countCases need a Temporal server to succeed, so
 * their success cases are tests/integration/signal-process-activity.test.ts; their input checks
 * run here (they refuse before connecting).
 */
const NEEDS_SERVER = new Set(['signalProcess', 'startProcess', 'countCases']);

const silent: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
let seq = 0;
/** Runs a registered activity the way the worker does, in a fresh activity context. */
function run(name: string, input: unknown): Promise<unknown> {
  const env = new MockActivityEnvironment(
    { workflowExecution: { workflowId: 'catalog', runId: 'run-1' }, activityId: String(++seq), activityType: name, taskQueue: 'catalog' },
    { logger: silent },
  );
  return env.run((activities as Record<string, (input: unknown) => Promise<unknown>>)[name], input);
}

let dataDir: string;
// The traffic activities reach a real router, on loopback.
let gray: GrayEnvironment;
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-catalog-'));
  process.env.DOCKET_DATA_DIR = dataDir;
  delete process.env.DOCKET_WEBHOOK_URL;
  gray = await startGrayEnvironment();
});
afterAll(async () => {
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
    now: 1_700_000_000_000,
    since: 1_699_999_000_000,
  });

  describe.each(ACTIVITY_NAMES)('%s', (name) => {
    const requires: readonly string[] = ACTIVITY_CATALOG[name].requires;
    const complete = () => Object.fromEntries(requires.map((field) => [field, typedValues()[field] ?? `some ${field}`]));

    if (!NEEDS_SERVER.has(name)) {
      it('runs with just the inputs its catalog entry requires', async () => {
        await expect(run(name, complete())).resolves.toBeDefined();
      });
    }

    it.each(requires)('rejects a missing "%s" as a non-retryable input error', async (field) => {
      const { [field]: _omitted, ...input } = complete();
      const failure: unknown = await run(name, input).then(
        () => 'resolved',
        (err: unknown) => err,
      );
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
