/**
 * A workflow task that fails for a reason outside docket (a bundle that throws, a broken
 * dependency, a sandbox error) is retried by Temporal for as long as the case runs, and the SDK
 * logs every attempt: the workflow's own `Workflow failed` warning, with the whole stack, each
 * time, plus the core's `Failing workflow task` on the first. On a worker with a few stuck cases
 * that drowns everything else. This filter lets the first line of each run through as one
 * `workflow task failing` warning (workflow id, run id, workflow type, the cause) and turns the
 * repeats into debug lines that count the attempts this worker saw. The case itself says it is
 * stuck in `docket state` (ProcessClient.state's `stuck`).
 *
 * A `Workflow failed` line whose error is a Temporal failure (ApplicationFailure, …) is a case
 * that failed for good, once: it passes through unchanged.
 */
import type { LogLevel, LogMetadata } from '@temporalio/worker';

/** The SDK's and the core's messages for a workflow task that failed (see @temporalio/workflow logs.js, worker.js, sdk-core). */
const TASK_FAILURE_MESSAGES = new Set(['Workflow failed', 'Failing workflow task', 'Failed to process Workflow Activation']);

/** Error names of the failures that close a workflow instead of failing its task. */
const CLOSING_FAILURES = new Set([
  'ApplicationFailure',
  'TemporalFailure',
  'CancelledFailure',
  'TerminatedFailure',
  'TimeoutFailure',
  'ActivityFailure',
  'ChildWorkflowFailure',
  'ServerFailure',
]);

/** Runs remembered at most; the oldest is forgotten first (a worker's memory stays bounded). */
export const REMEMBERED_RUNS = 10_000;

export type Write = (level: LogLevel, message: string, fields: Record<string, unknown>) => void;

/**
 * Wraps `write` (one SDK log line: level, message, its metadata as plain fields) so that workflow
 * task failures are logged once per workflow run at `warn`, and again only at `debug`.
 */
export function oncePerStuckRun(write: Write, remembered = REMEMBERED_RUNS): Write {
  const seen = new Map<string, number>(); // run id -> lines about it this worker saw
  return (level, message, fields) => {
    const runId = typeof fields.runId === 'string' ? fields.runId : undefined;
    if (!runId || !TASK_FAILURE_MESSAGES.has(message) || closesTheWorkflow(fields)) return write(level, message, fields);
    const count = (seen.get(runId) ?? 0) + 1;
    seen.delete(runId); // re-inserted last: the Map's order is least recently failed first
    seen.set(runId, count);
    if (seen.size > remembered) seen.delete(seen.keys().next().value as string);
    if (count > 1) return write('DEBUG', `${message} (again; logged once per run at warn)`, { ...fields, repeats: count });
    write('WARN', 'workflow task failing: Temporal retries it until the cause is fixed (logged once per run; repeats at debug)', {
      ...fields,
      cause: causeOf(fields),
      sdkMessage: message,
    });
  };
}

function closesTheWorkflow(fields: LogMetadata): boolean {
  const error = (fields.error ?? fields.err) as { name?: unknown; stack?: unknown } | undefined;
  if (typeof error?.name === 'string' && CLOSING_FAILURES.has(error.name)) return true;
  // A failure that crossed from the workflow thread can arrive as a plain Error (name "Error")
  // whose stack still starts with its own name: "ApplicationFailure: nothing is deployed …".
  const named = typeof error?.stack === 'string' ? /^(\w+):/.exec(error.stack)?.[1] : undefined;
  return named !== undefined && CLOSING_FAILURES.has(named);
}

/** The failure's message: from the error object (lang) or the core's `failure` debug string. */
function causeOf(fields: LogMetadata): string {
  const error = (fields.error ?? fields.err) as { message?: unknown } | undefined;
  if (typeof error?.message === 'string') return error.message;
  const failure = typeof fields.failure === 'string' ? fields.failure : '';
  const message = /message: "((?:[^"\\]|\\.)*)"/.exec(failure)?.[1];
  return message ? message.replace(/\\(.)/g, '$1') : failure.slice(0, 500) || 'unknown (see the debug lines)';
}
