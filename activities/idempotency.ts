/**
 * The idempotency key of the running activity invocation. Callers never pass one: a key taken
 * from the `with:` map could be reused or forgotten by a definition author.
 */
import { Context } from '@temporalio/activity';

/**
 * Returns `${workflowId}:${runId}:${activityId}` for the current activity.
 *
 * Why this is stable:
 * - Retries: Temporal retries an activity by scheduling a new *attempt* of the same activity
 *   task; workflow id, run id and activity id stay the same, only `info.attempt` changes. So
 *   attempt 2 finds what attempt 1 wrote (and a timed-out attempt 1 that is still running
 *   writes under the same key, rather than a second message).
 * - Replays: the workflow's activity id is assigned deterministically (a sequence number in
 *   command order, or an explicit id), and replaying a history re-creates the same commands in
 *   the same order. A completed activity is not run again on replay; one that was scheduled but
 *   not completed is dispatched again under the same id.
 * - The run id is part of the key on purpose: continue-as-new and an operator's reset start a
 *   new run whose activity ids count again from 1, so without it a later run would collide with
 *   (and silently skip) an earlier run's different side effect.
 *
 * Must be called inside an activity (it reads `Context.current()`).
 */
export function activityKey(): string {
  const info = Context.current().info;
  if (info.workflowExecution) {
    const { workflowId, runId } = info.workflowExecution;
    return `${workflowId}:${runId}:${info.activityId}`;
  }
  // A standalone activity (started by a client, not a workflow) has no workflow; its activity id
  // and activity run id identify the invocation instead.
  return `standalone:${info.activityRunId ?? '-'}:${info.activityId}`;
}
