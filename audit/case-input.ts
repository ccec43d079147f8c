/**
 * What a case ran with: its start input (WorkflowExecutionStarted) and the definition the worker
 * resolved for it, read from the engine's recorded step at the start of every run: the completed
 * `resolveDefinition` activity, or the `resolveKnownDefinition` local activity's marker
 * (MarkerRecorded `core_local_activity`) when the worker answered a start by full hash from its
 * memory. The definition's hash is recomputed here: a history whose definition does not match its
 * recorded hash has been tampered with (`DEFINITION_TAMPERED`).
 *
 * A history recorded before start-by-name (the definition travelled in the start input as
 * `bundle`, and there is no `resolveDefinition` step) is `NOT_A_DOCKET_CASE`, with a message that
 * says so and points at docs/guide.md "Cases started before start-by-name".
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { WORKFLOW_TYPE, type ProcessArgs, type ResolvedDefinition } from '../contract/wire';
import { definitionHash } from '../dsl/hash';
import { unpackDefinition } from '../contract/packed-definition';
import type { ProcessDefinition } from '../dsl/types';
import { AuditError } from './errors';
import {
  attributesOf,
  decodePayloads,
  engineLocalActivity,
  eventId,
  eventTimeIso,
  eventTypeName,
  failureMessage,
  isEngineActivity,
  num,
  type HistoryEvent,
} from './history-events';
import type { HistoryFile } from './history-file';

// The workflow applies the input schema's defaults to the case's input (workflows/process-workflow.ts): so does the audit.
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, validateSchema: false });
addFormats(ajv);

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
  /** Who deployed the version, and when (registry definitions only). */
  deployedBy?: string;
  deployedAt?: string;
  /** When the worker's resolveDefinition step completed (the case's machine starts in that workflow task). */
  resolvedAt: string;
  /** Child process → the hash pinned for it. */
  children: Record<string, string>;
  /** The case's input as the workflow used it: the start payload with the input schema's defaults applied. */
  input: Record<string, unknown>;
  /** The start input as recorded (WorkflowExecutionStarted). */
  args: ProcessArgs;
  startedAt: string;
  taskQueue?: string;
}

/** What the history says about the definition of a `process` run. */
export type RecordedDefinition =
  /**
   * `resolved.definition` is the recorded definition, unpacked from `definitionDeflated` (or as
   * recorded, in older histories); `unreadable` says why it could not be unpacked (a tampered
   * history: `verified` refuses it as DEFINITION_TAMPERED).
   */
  | {
      kind: 'resolved';
      resolved: ResolvedDefinition & { definition?: ProcessDefinition };
      unreadable?: string;
      /** The step that recorded it: the `resolveDefinition` activity or the `resolveKnownDefinition` local activity. */
      step: string;
      /** Event id of its ActivityTaskScheduled, or of the local activity's MarkerRecorded. */
      scheduledEventId: number;
      completedAt: string;
    }
  /** A run recorded before start-by-name: the definition was in the start input (`bundle`). */
  | { kind: 'before-start-by-name' }
  /** The run did not get as far as resolving its definition (failed at start, or still resolving). */
  | { kind: 'unresolved'; reason: string; tampered?: boolean };

const BEFORE_START_BY_NAME =
  'recorded before start-by-name: the definition travelled in the start input (`bundle`) and the history has no resolveDefinition step, ' +
  'so this version of docket cannot audit, replay or re-run it (`docket audit verify` still checks its digest); audit it with the docket release it ran on ' +
  '(see docs/guide.md "Cases started before start-by-name")';

export function caseInput(file: HistoryFile): CaseInput {
  const events = file.history.events as HistoryEvent[];
  const first = events[0];
  const started = startAttributes(file);
  const args = (decodePayloads(started.input)[0] ?? {}) as ProcessArgs;
  const recorded = recordedDefinition(file);
  if (recorded.kind === 'before-start-by-name') throw new AuditError('NOT_A_DOCKET_CASE', file.file, BEFORE_START_BY_NAME);
  if (recorded.kind === 'unresolved')
    throw new AuditError(recorded.tampered ? 'DEFINITION_TAMPERED' : 'NOT_A_DOCKET_CASE', file.file, recorded.reason);
  const resolved = verified(file, recorded);
  return {
    workflowId: file.workflowId,
    runId: started.originalExecutionRunId || undefined,
    continuedFrom: started.continuedExecutionRunId || undefined,
    definition: resolved.definition,
    definitionHash: resolved.hash,
    definitionVersion: resolved.version,
    definitionSource: resolved.source,
    deployedBy: resolved.deployedBy,
    deployedAt: resolved.deployedAt,
    resolvedAt: recorded.completedAt,
    children: resolved.children ?? {},
    input: withDefaults(resolved.definition, args.input),
    args,
    startedAt: eventTimeIso(first),
    taskQueue: started.taskQueue?.name ?? undefined,
  };
}

/**
 * The check `docket replay` makes before replaying: for a `process` history, the recorded
 * definition must match its recorded hash (`DEFINITION_TAMPERED`), and the history must not be
 * one recorded before start-by-name (`NOT_A_DOCKET_CASE`). Histories of other workflow types (the
 * definition registry) and runs that never resolved a definition (refused at start) pass: they
 * replay like any other.
 */
export function checkRecordedDefinition(file: HistoryFile): void {
  if (startAttributes(file, false).workflowType?.name !== WORKFLOW_TYPE) return;
  const recorded = recordedDefinition(file);
  if (recorded.kind === 'before-start-by-name') throw new AuditError('NOT_A_DOCKET_CASE', file.file, BEFORE_START_BY_NAME);
  if (recorded.kind === 'resolved') verified(file, recorded);
}

/** The definition step of a `process` run, as recorded. */
export function recordedDefinition(file: HistoryFile): RecordedDefinition {
  const events = file.history.events as HistoryEvent[];
  // The local lookup answered (a result that is not null: null is "not known here", and the activity follows).
  for (const e of events) {
    const marker = engineLocalActivity(e);
    if (marker && marker.result !== null && marker.result !== undefined) {
      return fromResult(marker.result as ResolvedDefinition, {
        step: marker.name,
        scheduledEventId: eventId(e),
        completedAt: eventTimeIso(e),
      });
    }
  }
  const scheduled = events.find((e) => eventTypeName(e) === 'ActivityTaskScheduled' && isEngineActivity(activityName(e)));
  if (!scheduled) {
    const args = decodePayloads(startAttributes(file).input)[0] as { bundle?: unknown } | undefined;
    if (args && typeof args === 'object' && args.bundle !== undefined) return { kind: 'before-start-by-name' };
    const failed = events.find((e) => eventTypeName(e) === 'WorkflowExecutionFailed');
    const why = failed
      ? `it failed at start: ${failureMessage((attributesOf(failed) as { failure?: unknown }).failure) ?? 'no message'}`
      : 'it has not scheduled it yet';
    return {
      kind: 'unresolved',
      reason: `no recorded definition: the case never resolved its definition (the history has no resolveDefinition step; ${why})`,
    };
  }
  const ended = events.find(
    (e) =>
      /^ActivityTask(Completed|Failed|TimedOut|Canceled)$/.test(eventTypeName(e)) &&
      num((attributesOf(e) as { scheduledEventId?: unknown }).scheduledEventId) === eventId(scheduled),
  );
  if (!ended || eventTypeName(ended) !== 'ActivityTaskCompleted') {
    const why = ended
      ? `${eventTypeName(ended)}: ${failureMessage((attributesOf(ended) as { failure?: unknown }).failure) ?? 'no message'}`
      : 'it had not completed when the history was exported';
    return {
      kind: 'unresolved',
      reason: `no recorded definition: the case's resolveDefinition step did not complete (${why}), so there is nothing to audit`,
    };
  }
  const result = decodePayloads((attributesOf(ended) as { result?: Parameters<typeof decodePayloads>[0] }).result)[0] as
    ResolvedDefinition | undefined;
  return fromResult(result, {
    step: activityName(scheduled) ?? 'resolveDefinition',
    scheduledEventId: eventId(scheduled),
    completedAt: eventTimeIso(ended),
    endedEventId: eventId(ended),
  });
}

/** A recorded step's result read as the definition (either step records the same `ResolvedDefinition`). */
function fromResult(
  result: ResolvedDefinition | undefined,
  where: { step: string; scheduledEventId: number; completedAt: string; endedEventId?: number },
): RecordedDefinition {
  const { step, scheduledEventId, completedAt } = where;
  const undecodable = (result as { undecodable?: unknown } | undefined)?.undecodable;
  if (typeof undecodable === 'string') {
    return {
      kind: 'unresolved',
      tampered: true,
      reason: `DEFINITION_TAMPERED: the ${step} step's recorded result (event ${where.endedEventId ?? scheduledEventId}) cannot be unpacked (${undecodable}); the history was altered after the case ran`,
    };
  }
  if (
    !result ||
    typeof result !== 'object' ||
    (typeof result.definitionDeflated !== 'string' && !result.definition?.process) ||
    typeof result.hash !== 'string'
  ) {
    return {
      kind: 'unresolved',
      reason: `no recorded definition: the ${step} step (event ${where.endedEventId ?? scheduledEventId}) recorded no definition and hash`,
    };
  }
  // The definition is recorded packed (contract/packed-definition.ts); older histories have it as plain JSON.
  let definition: ProcessDefinition;
  try {
    definition = unpackDefinition(result);
  } catch (err) {
    return { kind: 'resolved', resolved: result, unreadable: (err as Error)?.message ?? String(err), step, scheduledEventId, completedAt };
  }
  return { kind: 'resolved', resolved: { ...result, definition }, step, scheduledEventId, completedAt };
}

/** The resolved definition, after recomputing its hash; throws `DEFINITION_TAMPERED` when they differ. */
function verified(
  file: HistoryFile,
  recorded: Extract<RecordedDefinition, { kind: 'resolved' }>,
): ResolvedDefinition & { definition: ProcessDefinition } {
  const resolved = recorded.resolved;
  if (recorded.unreadable !== undefined || !resolved.definition) {
    throw new AuditError(
      'DEFINITION_TAMPERED',
      file.file,
      `DEFINITION_TAMPERED: the definition recorded in the history (${recorded.step} step) cannot be unpacked (${recorded.unreadable ?? 'absent'}); ` +
        `recorded hash ${resolved.hash}; the history was altered after the case ran`,
    );
  }
  const recomputed = definitionHash(resolved.definition);
  if (recomputed !== resolved.hash) {
    throw new AuditError(
      'DEFINITION_TAMPERED',
      file.file,
      `DEFINITION_TAMPERED: the definition recorded in the history (${recorded.step} step) does not match its recorded hash: ` +
        `recorded ${resolved.hash}, computed ${recomputed}; the history was altered after the case ran`,
    );
  }
  return resolved as ResolvedDefinition & { definition: ProcessDefinition };
}

interface StartAttributes {
  workflowType?: { name?: string };
  input?: Parameters<typeof decodePayloads>[0];
  taskQueue?: { name?: string };
  originalExecutionRunId?: string;
  continuedExecutionRunId?: string;
}

/** The WorkflowExecutionStarted attributes; throws `NOT_A_DOCKET_CASE` for another workflow type unless `strict` is false. */
function startAttributes(file: HistoryFile, strict = true): StartAttributes {
  const started = attributesOf((file.history.events as HistoryEvent[])[0]) as StartAttributes;
  const type = started.workflowType?.name;
  if (strict && type !== WORKFLOW_TYPE) {
    throw new AuditError('NOT_A_DOCKET_CASE', file.file, `not a docket case: its workflow type is "${type}", not "${WORKFLOW_TYPE}"`);
  }
  return started;
}

const activityName = (e: HistoryEvent): string | undefined =>
  (attributesOf(e) as { activityType?: { name?: string } }).activityType?.name ?? undefined;

/** The input with the schema's defaults applied, as the workflow computes it (a copy; a mismatch is the workflow's to report). */
function withDefaults(def: ProcessDefinition, raw: Record<string, unknown> | undefined): Record<string, unknown> {
  const input = JSON.parse(JSON.stringify(raw ?? {})) as Record<string, unknown>;
  if (!def.input) return input;
  try {
    ajv.compile(def.input)(input);
  } catch {
    // A schema ajv cannot compile: the workflow would have failed the case (INVALID_INPUT); the record says how.
  }
  return input;
}
