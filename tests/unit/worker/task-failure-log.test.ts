/**
 * A stuck case's workflow task failure is logged once per run (worker/task-failure-log.ts), through
 * the pino bridge the worker installs (sdkLogger). The lines are the SDK's own shapes, as a worker
 * logged them for tests/fixtures/broken-workflow (see tests/integration/stuck-logged-once.test.ts).
 */
import { Writable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import { createLogger, sdkLogger } from '../../../worker/logger';
import { oncePerStuckRun, type Write } from '../../../worker/task-failure-log';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: sdkLogger(createLogger({ level: 'debug', env: { DOCKET_LOG_FORMAT: 'json' }, destination })) };
}

const run = (runId: string, workflowId = `case-${runId}`) => ({
  sdkComponent: 'worker',
  namespace: 'default',
  taskQueue: 'docket',
  workflowId,
  runId,
  workflowType: 'process',
});
const broken = () => new Error("broken on purpose: this worker's workflow bundle cannot run process");
const coreFailure = 'Failure { failure: Some(Failure { message: "broken on \\"purpose\\"", source: "TypeScriptSDK", stack_trace: "…" }) }';

it('logs a failing workflow task once per run at warn, with workflow id, run id and cause; repeats go to debug', () => {
  const { lines, logger } = capture();
  for (let attempt = 0; attempt < 5; attempt++) logger.warn('Workflow failed', { ...run('r1'), error: broken() });
  logger.warn('Failing workflow task', { sdkComponent: 'core', runId: 'r1', failure: coreFailure });
  const warnings = lines.filter((l) => l.level === 40);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({
    msg: expect.stringMatching(/^workflow task failing/),
    workflowId: 'case-r1',
    runId: 'r1',
    workflowType: 'process',
    cause: "broken on purpose: this worker's workflow bundle cannot run process",
    sdkMessage: 'Workflow failed',
  });
  const repeats = lines.filter((l) => l.level === 20);
  expect(repeats.map((l) => l.repeats)).toEqual([2, 3, 4, 5, 6]);
  expect(repeats.every((l) => l.runId === 'r1')).toBe(true);
});

it('logs each stuck run once, and takes the cause from the core line when that comes first', () => {
  const { lines, logger } = capture();
  logger.warn('Failing workflow task', { sdkComponent: 'core', runId: 'r2', failure: coreFailure });
  logger.warn('Workflow failed', { ...run('r3'), error: broken() });
  logger.warn('Workflow failed', { ...run('r2'), error: broken() });
  logger.warn('Workflow failed', { ...run('r3'), error: broken() });
  const warnings = lines.filter((l) => l.level === 40);
  expect(warnings.map((w) => [w.runId, w.cause])).toEqual([
    ['r2', 'broken on "purpose"'],
    ['r3', "broken on purpose: this worker's workflow bundle cannot run process"],
  ]);
});

it('lets a case that failed for good (a Temporal failure) and every other line through unchanged', () => {
  const { lines, logger } = capture();
  const failed = ApplicationFailure.nonRetryable('process complaint failed: …', 'PROCESS_FAILED');
  logger.warn('Workflow failed', { ...run('r4'), error: failed });
  logger.warn('Workflow failed', { ...run('r4'), error: failed });
  logger.warn('No activities registered, not polling for activity tasks', { sdkComponent: 'worker' });
  logger.info('continuing as new', { ...run('r5') });
  expect(lines.map((l) => [l.level, l.msg])).toEqual([
    [40, 'Workflow failed'],
    [40, 'Workflow failed'],
    [40, 'No activities registered, not polling for activity tasks'],
    [30, 'continuing as new'],
  ]);
});

it('recognises a failure that crossed from the workflow thread as a plain Error by the name its stack starts with', () => {
  const { lines, logger } = capture();
  // As the SDK logged a case failed on purpose (DEFINITION_NOT_FOUND): constructor Error, stack "ApplicationFailure: …".
  const crossed = new Error('nothing is deployed on task queue "q": deploy "refund-approval" with `docket deploy`');
  crossed.stack = `ApplicationFailure: ${crossed.message}\n    at Function.create (failure.ts:228:11)`;
  logger.warn('Workflow failed', { ...run('r6'), error: crossed });
  // A plain bug whose stack starts "Error:" or "TypeError:" is still a failing task.
  logger.warn('Workflow failed', { ...run('r7'), error: new TypeError('x is undefined') });
  expect(lines.map((l) => [l.runId, l.msg])).toEqual([
    ['r6', 'Workflow failed'],
    ['r7', expect.stringMatching(/^workflow task failing/)],
  ]);
});

it('remembers a bounded number of runs, forgetting the least recently failed first', () => {
  const written: Array<[string, string]> = [];
  const write: Write = (level, _message, fields) => written.push([level, String(fields.runId)]);
  const filter = oncePerStuckRun(write, 2);
  for (const runId of ['a', 'b', 'a', 'c', 'b', 'a']) filter('WARN', 'Workflow failed', { runId, error: broken() });
  // a, b warn; a repeats; c pushes out b (a failed more recently); b warns again; a was pushed out by b.
  expect(written).toEqual([
    ['WARN', 'a'],
    ['WARN', 'b'],
    ['DEBUG', 'a'],
    ['WARN', 'c'],
    ['WARN', 'b'],
    ['WARN', 'a'],
  ]);
});
