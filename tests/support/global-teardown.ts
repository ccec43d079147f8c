/**
 * Jest global teardown: checks that no test left a workflow task failing and retrying (issue 9),
 * then stops the dev server started by global-setup and removes its files.
 */
import * as fs from 'node:fs';
import type { WriteStream } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { DevServer } from '../../devserver/dev-server';
import { SERVER_KEY } from './global-setup';
import type { TestServerInfo } from './server';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<symbol, unknown>)[SERVER_KEY] as { server: DevServer; file: string; log: WriteStream } | undefined;
  if (!state) return;
  delete (globalThis as Record<symbol, unknown>)[SERVER_KEY];

  const info = JSON.parse(fs.readFileSync(state.file, 'utf8')) as TestServerInfo;
  let failing: FailingTask[] = [];
  let checkError: unknown;
  try {
    failing = await failingWorkflowTasks(info);
  } catch (err) {
    checkError = err;
  }
  await state.server.stop();
  await new Promise<void>((resolve) => state.log.end(resolve));
  fs.rmSync(state.file, { force: true });
  if (process.env.DOCKET_TEST_KEEP_DATA || failing.length) {
    process.stderr.write(`[docket tests] kept the dev server's data in ${info.dataDir}\n`);
  } else {
    fs.rmSync(info.dataDir, { recursive: true, force: true });
  }
  if (checkError) throw new Error(`[docket tests] could not check the dev server for failing workflow tasks: ${String(checkError)}`);
  if (failing.length) {
    const lines = failing.map(
      (f) =>
        `  ${f.workflowId} (run ${f.runId}, ${f.workflowType}, task queue ${f.taskQueue}): attempt ${f.attempt}, ${f.cause}: ${f.message}`,
    );
    throw new Error(
      `[docket tests] ${failing.length} workflow(s) were left with a workflow task failing and retrying; a test must terminate what it breaks:\n${lines.join('\n')}`,
    );
  }
}

export interface FailingTask {
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  attempt: number;
  cause: string;
  message: string;
}

/**
 * Running workflows whose pending workflow task is on attempt > 1 because it failed (the last
 * workflow-task event of the history is a WorkflowTaskFailed). A task on attempt > 1 after a
 * timeout is a worker that went away mid-task (the worker-crash tests do that on purpose, and
 * every worker is stopped by now), not a failure, so it is not flagged.
 */
export async function failingWorkflowTasks(info: Pick<TestServerInfo, 'address' | 'namespace'>): Promise<FailingTask[]> {
  const connection = await Connection.connect({ address: info.address });
  try {
    const client = new Client({ connection, namespace: info.namespace });
    const running: Array<{ workflowId: string; runId: string }> = [];
    for await (const wf of client.workflow.list({ query: 'ExecutionStatus = "Running"' }))
      running.push({ workflowId: wf.workflowId, runId: wf.runId });
    const failing: FailingTask[] = [];
    // Describe in small batches: a run of the whole suite leaves a few hundred running cases.
    for (let i = 0; i < running.length; i += 16) {
      await Promise.all(
        running.slice(i, i + 16).map(async ({ workflowId, runId }) => {
          const handle = client.workflow.getHandle(workflowId, runId);
          let description: Awaited<ReturnType<typeof handle.describe>>;
          try {
            description = await handle.describe();
          } catch {
            return; // closed or gone since the list
          }
          const attempt = description.raw.pendingWorkflowTask?.attempt ?? 0;
          if (description.status.name !== 'RUNNING' || attempt <= 1) return;
          const history = await handle.fetchHistory();
          let last: NonNullable<typeof history.events>[number] | undefined;
          for (const event of history.events ?? []) {
            if (
              event.workflowTaskFailedEventAttributes ||
              event.workflowTaskCompletedEventAttributes ||
              event.workflowTaskTimedOutEventAttributes
            )
              last = event;
          }
          const failed = last?.workflowTaskFailedEventAttributes;
          if (!failed) return;
          failing.push({
            workflowId,
            runId,
            workflowType: description.type,
            taskQueue: description.taskQueue,
            attempt,
            cause: (typeof failed.cause === 'number'
              ? (temporal.api.enums.v1.WorkflowTaskFailedCause[failed.cause] ?? String(failed.cause))
              : String(failed.cause ?? 'UNSPECIFIED')
            ).replace(/^WORKFLOW_TASK_FAILED_CAUSE_/, ''),
            message: (failed.failure?.message ?? '').split('\n')[0],
          });
        }),
      );
    }
    return failing;
  } finally {
    await connection.close();
  }
}
