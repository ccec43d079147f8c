/**
 * `startProcess`: makes sure a case of another process runs, starting it by process name (the
 * current deployed version of this task queue's registry) when no case with that id is running.
 * A running case is left alone: no event, no history entry, no workflow task. This is how every
 * complaint makes sure the complaint monitor runs without reporting to it, so the monitor's work
 * does not grow with the number of complaints (docs/cross-case-rules.md).
 */
import { Context } from '@temporalio/activity';
import { inputObject, optionalObject, requiredString } from './input';
import { docketOnThisQueue } from './temporal-client';

export interface StartProcessInput {
  /** Process id of the case to start, e.g. `complaint-monitor`. */
  process: string;
  /** Workflow id (business key) of that case. */
  id: string;
  /** Its input when it is started (ignored when it already runs). */
  input?: Record<string, unknown>;
}

export async function startProcess(raw: StartProcessInput): Promise<{ id: string; runId: string }> {
  const input = inputObject('startProcess', raw);
  const processId = requiredString('startProcess', input, 'process', 'the process id of the case to start');
  const id = requiredString('startProcess', input, 'id', 'the case id');
  const caseInput = optionalObject('startProcess', input, 'input', 'the input of the case when it is started') ?? {};
  const result = await (await docketOnThisQueue()).ensureStarted({ id, process: processId, input: caseInput });
  Context.current().log.info('made sure a process runs', { target: id, process: processId, runId: result.runId });
  return result;
}
