/**
 * What a case was started with, read from its WorkflowExecutionStarted event: the pinned
 * definition and its hash, the input, and (for a run that continued as new) where it resumed.
 */
import { WORKFLOW_TYPE, type ProcessArgs } from '../contract/wire';
import type { ProcessDefinition } from '../dsl/types';
import { AuditError } from './errors';
import { attributesOf, decodePayloads, eventTimeIso, type HistoryEvent } from './history-events';
import type { HistoryFile } from './history-file';

export interface CaseInput {
  workflowId: string;
  /** The run this history belongs to (its first run id when the server does not say). */
  runId?: string;
  /** Run id of the run this one continued from, if any. */
  continuedFrom?: string;
  definition: ProcessDefinition;
  definitionHash: string;
  input: Record<string, unknown>;
  args: ProcessArgs;
  startedAt: string;
  taskQueue?: string;
}

export function caseInput(file: HistoryFile): CaseInput {
  const first = file.history.events![0] as HistoryEvent;
  const started = attributesOf(first) as {
    workflowType?: { name?: string };
    input?: Parameters<typeof decodePayloads>[0];
    taskQueue?: { name?: string };
    originalExecutionRunId?: string;
    continuedExecutionRunId?: string;
  };
  const type = started.workflowType?.name;
  if (type !== WORKFLOW_TYPE) {
    throw new AuditError('NOT_A_DOCKET_CASE', file.file, `not a docket case: its workflow type is "${type}", not "${WORKFLOW_TYPE}"`);
  }
  const args = decodePayloads(started.input)[0] as ProcessArgs | undefined;
  if (!args?.bundle?.definition?.process || typeof args.bundle.hash !== 'string') {
    throw new AuditError('NOT_A_DOCKET_CASE', file.file, 'not a docket case: its input has no pinned definition (bundle.definition and bundle.hash)');
  }
  return {
    workflowId: file.workflowId,
    runId: started.originalExecutionRunId || undefined,
    continuedFrom: started.continuedExecutionRunId || undefined,
    definition: args.bundle.definition,
    definitionHash: args.bundle.hash,
    input: args.input ?? {},
    args,
    startedAt: eventTimeIso(first),
    taskQueue: started.taskQueue?.name ?? undefined,
  };
}
