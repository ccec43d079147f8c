/**
 * `signalProcess`: delivers an event to another case, starting it when it does not exist
 * (signal-with-start). This is how many cases report to one long-running aggregate process,
 * such as the complaint monitor, without either knowing when the other started.
 *
 * The target starts by process name with the current deployed version (the registry of this
 * worker's task queue); it only matters the first time, since a running case keeps its pinned
 * definition.
 * Signals are idempotent here only up to Temporal's own delivery: a retried activity may signal
 * twice, so receiving definitions should tolerate it (the monitor counts by case id).
 */
import { Context } from '@temporalio/activity';
import { inputObject, requiredString } from './input';
import { docketOnThisQueue } from './temporal-client';

export interface SignalProcessInput {
  /** Process id of the target, e.g. `complaint-monitor`. */
  process: string;
  /** Workflow id (business key) of the target case. */
  id: string;
  /** Event type to send. */
  type: string;
  data?: Record<string, unknown>;
}

export async function signalProcess(raw: SignalProcessInput): Promise<{ id: string; runId: string }> {
  const input = inputObject('signalProcess', raw);
  const processId = requiredString('signalProcess', input, 'process', 'the target process id');
  const id = requiredString('signalProcess', input, 'id', 'the target case id');
  const type = requiredString('signalProcess', input, 'type', 'the event type');
  const info = Context.current().info;
  const result = await (
    await docketOnThisQueue()
  ).report({
    id,
    process: processId,
    event: {
      type,
      actor: { id: info.workflowExecution?.workflowId ?? info.activityId, roles: ['system'] },
      data: (input.data as Record<string, unknown> | undefined) ?? {},
    },
  });
  Context.current().log.info('signalled process', { target: id, process: processId, event: type });
  return result;
}
