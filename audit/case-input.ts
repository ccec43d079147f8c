/**
 * What a case ran with: its start input (WorkflowExecutionStarted) and the definition the worker
 * resolved for it, read from the completed `resolveDefinition` activity (the recorded step at the
 * start of every run). The definition's hash is recomputed here: a history whose definition does
 * not match its recorded hash has been tampered with (`DEFINITION_TAMPERED`).
 */
import { WORKFLOW_TYPE, type ProcessArgs, type ResolvedDefinition } from '../contract/wire';
import { definitionHash } from '../dsl/hash';
import type { ProcessDefinition } from '../dsl/types';
import { AuditError } from './errors';
import { attributesOf, decodePayloads, eventId, eventTimeIso, eventTypeName, num, type HistoryEvent } from './history-events';
import type { HistoryFile } from './history-file';

/** Activity type of the recorded definition step (activities/resolve-definition.ts). */
const RESOLVE_ACTIVITY = 'resolveDefinition';

export interface CaseInput {
  workflowId: string;
  /** The run this history belongs to (its first run id when the server does not say). */
  runId?: string;
  /** Run id of the run this one continued from, if any. */
  continuedFrom?: string;
  definition: ProcessDefinition;
  definitionHash: string;
  /** Registry version number (absent for an inline, development-mode definition). */
  definitionVersion?: number;
  /** `registry` or `inline`. */
  definitionSource: ResolvedDefinition['source'];
  /** Child process → the hash pinned for it. */
  children: Record<string, string>;
  input: Record<string, unknown>;
  args: ProcessArgs;
  startedAt: string;
  taskQueue?: string;
}

export function caseInput(file: HistoryFile): CaseInput {
  const events = file.history.events as HistoryEvent[];
  const first = events[0];
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
  const args = (decodePayloads(started.input)[0] ?? {}) as ProcessArgs;
  const resolved = resolvedDefinition(file, events);
  const recomputed = definitionHash(resolved.definition);
  if (recomputed !== resolved.hash) {
    throw new AuditError(
      'DEFINITION_TAMPERED',
      file.file,
      `the definition recorded for this case does not match its hash: recorded ${resolved.hash}, computed ${recomputed}; the history was altered after the case ran`,
    );
  }
  return {
    workflowId: file.workflowId,
    runId: started.originalExecutionRunId || undefined,
    continuedFrom: started.continuedExecutionRunId || undefined,
    definition: resolved.definition,
    definitionHash: resolved.hash,
    definitionVersion: resolved.version,
    definitionSource: resolved.source,
    children: resolved.children ?? {},
    input: args.input ?? {},
    args,
    startedAt: eventTimeIso(first),
    taskQueue: started.taskQueue?.name ?? undefined,
  };
}

/** The result of the run's `resolveDefinition` activity. */
function resolvedDefinition(file: HistoryFile, events: HistoryEvent[]): ResolvedDefinition {
  const scheduled = events.find((e) => eventTypeName(e) === 'ActivityTaskScheduled' && (attributesOf(e) as { activityType?: { name?: string } }).activityType?.name === RESOLVE_ACTIVITY);
  if (!scheduled) {
    throw new AuditError(
      'NOT_A_DOCKET_CASE',
      file.file,
      'no recorded definition: the history has no resolveDefinition step (a case started before definitions were deployed by name; see README "Cases started before start-by-name")',
    );
  }
  const completed = events.find(
    (e) => eventTypeName(e) === 'ActivityTaskCompleted' && num((attributesOf(e) as { scheduledEventId?: unknown }).scheduledEventId) === eventId(scheduled),
  );
  if (!completed) {
    throw new AuditError('NOT_A_DOCKET_CASE', file.file, 'the case never resolved its definition (the resolveDefinition step did not complete), so there is nothing to audit');
  }
  const result = decodePayloads((attributesOf(completed) as { result?: Parameters<typeof decodePayloads>[0] }).result)[0] as ResolvedDefinition | undefined;
  if (!result?.definition?.process || typeof result.hash !== 'string') {
    throw new AuditError('NOT_A_DOCKET_CASE', file.file, 'the resolveDefinition step recorded no definition and hash');
  }
  return result;
}
