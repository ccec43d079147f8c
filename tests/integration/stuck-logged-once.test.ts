/**
 * Issue 9, item 5: a case whose workflow task keeps failing for a reason outside docket (a worker
 * whose bundle throws, tests/fixtures/broken-workflow) is logged by the worker once per case run,
 * with its workflow id, run id and cause, not on every retry (worker/task-failure-log.ts, in the
 * pino bridge installRuntimeLogging installs). The retries still happen: the test waits until
 * Temporal has the fourth attempt pending, so this worker has failed three.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createLogger, installRuntimeLogging } from '../../worker/logger';
import { testServer, uniqueTaskQueue } from '../support/server';

const lines: Array<Record<string, unknown>> = [];
const destination = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});

it('logs a workflow task failing on every retry once, at warn, with workflow id, run id and cause', async () => {
  // Before any connection or worker of this file: the runtime's logger is this pino logger.
  installRuntimeLogging(createLogger({ level: 'debug', env: { DOCKET_LOG_FORMAT: 'json' }, destination }));
  const { address, namespace } = testServer();
  const taskQueue = uniqueTaskQueue('stuck-log');
  const native = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  const worker = await Worker.create({
    connection: native,
    namespace,
    taskQueue,
    workflowsPath: join(__dirname, '../fixtures/broken-workflow'),
  });
  const handle = await client.workflow.start('process', { workflowId: `stuck-log-${Date.now().toString(36)}`, taskQueue, args: [] });
  try {
    await worker.runUntil(async () => {
      for (let i = 0; ; i++) {
        if (((await handle.describe()).raw.pendingWorkflowTask?.attempt ?? 0) >= 4) return;
        if (i >= 1200) throw new Error('the workflow task was not retried three times');
        await new Promise((r) => setTimeout(r, 100));
      }
    });
  } finally {
    await handle.terminate('stuck-log test done');
    await connection.close();
    await native.close();
  }
  const about = lines.filter((l) => l.runId === handle.firstExecutionRunId);
  const warnings = about.filter((l) => (l.level as number) >= 40);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({
    msg: expect.stringMatching(/^workflow task failing/),
    workflowId: handle.workflowId,
    runId: handle.firstExecutionRunId,
    workflowType: 'process',
    cause: expect.stringMatching(/broken on purpose/),
  });
  // The worker saw the retries (attempts 2 and 3 at least) and logged them at debug only.
  const repeats = about.filter((l) => l.level === 20 && typeof l.repeats === 'number');
  expect(repeats.length).toBeGreaterThanOrEqual(2);
  process.stderr.write(`[stuck-logged-once] 1 warning, ${repeats.length} repeats at debug for run ${handle.firstExecutionRunId}\n`);
});
