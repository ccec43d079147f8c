/**
 * Waiting for a case to settle: no workflow task and no activity pending, so what `state` shows
 * next is not about to change by itself (only an event, a timer or a child can move it). A script
 * that starts a case and sends its first event at once can otherwise meet the case still running
 * its first step (a complaint's `intake`) and be refused. Read from Temporal's DescribeWorkflow,
 * which any worker-less client can call; a case that is not running is settled.
 */
import type { Client } from '@temporalio/client';

export interface PendingWork {
  /** A workflow task is scheduled or running: the case is taking its next step. */
  workflowTask: boolean;
  /** Activities in flight, with their attempt and the last failure's message when retrying. */
  activities: Array<{ type: string; attempt: number; lastFailure?: string }>;
}

export interface SettleCheck {
  /** Temporal's status name, e.g. RUNNING, COMPLETED. */
  status: string;
  settled: boolean;
  pending: PendingWork;
}

/** One look: is the case settled now, and if not, what is pending. */
export async function checkSettled(client: Client, id: string): Promise<SettleCheck> {
  const { raw, status } = await client.workflow.getHandle(id).describe();
  const pending: PendingWork = {
    workflowTask: Boolean(raw.pendingWorkflowTask),
    activities: (raw.pendingActivities ?? []).map((a) => ({
      type: a.activityType?.name ?? 'activity',
      attempt: a.attempt ?? 1,
      ...(a.lastFailure?.message ? { lastFailure: a.lastFailure.message } : {}),
    })),
  };
  const settled = status.name !== 'RUNNING' || (!pending.workflowTask && pending.activities.length === 0);
  return { status: status.name, settled, pending };
}

/** What is pending, in words: "the activity startProcess (attempt 3: connection refused)". */
export function describePending(pending: PendingWork): string {
  const parts = pending.activities.map(
    (a) =>
      `the activity ${a.type}${a.attempt > 1 ? ` (attempt ${a.attempt}${a.lastFailure ? `: ${a.lastFailure.split('\n')[0]}` : ''})` : ''}`,
  );
  if (pending.workflowTask) parts.push('a workflow task (is a worker running on the task queue?)');
  return parts.join(', ') || 'nothing';
}

/**
 * Polls until `ready` holds or `timeoutMs` passes; resolves to the last check and whether it held.
 * Polling (100 ms) rather than a long-poll: DescribeWorkflow has no wait-for-change form.
 */
export async function pollUntil<T>(
  look: () => Promise<T>,
  ready: (value: T) => boolean,
  timeoutMs: number,
): Promise<{ value: T; ready: boolean }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await look();
    if (ready(value)) return { value, ready: true };
    if (Date.now() >= deadline) return { value, ready: false };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
