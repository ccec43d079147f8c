/**
 * Replays recorded histories against the workflow code, with no server: proof that today's code
 * still reproduces every recorded case (a nondeterminism error names the event that differs).
 * The workflow reports its business timeline to the `audit` sink; replay listens to it
 * (`callDuringReplay: true`), so each result also carries the timeline rebuilt from the history.
 *
 * Before a `process` history is replayed, the definition its resolveDefinition step recorded is
 * checked against its recorded hash: a mismatch is `tampered` (DEFINITION_TAMPERED) and the
 * history is not replayed (replaying it would only prove the altered definition). A history
 * recorded before start-by-name fails as `unreadable` with a message saying so.
 *
 * Workflow code, in order: `workflowBundle`, `workflowsPath`, the bundle named by
 * `DOCKET_WORKFLOW_BUNDLE`, else `workflows/` of this checkout (bundled first: a few seconds).
 *
 * @example
 *   const results = await replayHistories('tests/histories', { onProgress: (p) => console.log(p.outcome.file) });
 *   const failed = results.filter((r) => !r.ok);
 */
import { existsSync } from 'node:fs';
import {
  DefaultLogger,
  IllegalStateError,
  makeTelemetryFilterString,
  Runtime,
  Worker,
  type InjectedSinks,
  type ReplayWorkerOptions,
} from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import type { AuditSinks } from '../contract/audit-sink';
import type { TimelineEntry } from '../contract/wire';
import { bundlePath } from '../worker/create-worker';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../worker/workflow-interceptors';
import { PAYLOAD_CONVERTER_PATH, WORKFLOW_BUNDLER_OPTIONS } from '../worker/workflow-bundle-options';
import { checkRecordedDefinition } from './case-input';
import { AuditError } from './errors';
import { eventTypeName, num } from './history-events';
import { listHistoryFiles, readHistoryFile, type HistoryFile } from './history-file';

export interface ReplayOptions {
  /** Prebuilt workflow code (`bundleWorkflowCode` output, or a file it was written to). */
  workflowBundle?: { codePath: string } | { code: string };
  /** Or the workflow entry module, bundled before replay. */
  workflowsPath?: string;
  /** Called after each history, with its result and how many there are. */
  onProgress?: (progress: ReplayProgress) => void;
  /** Default `process.env` (for `DOCKET_WORKFLOW_BUNDLE`). */
  env?: NodeJS.ProcessEnv;
  /** Log only errors from the SDK and Core (see `quietReplayLogs`); for command-line tools. Default false. */
  quiet?: boolean;
}

export interface ReplayProgress {
  /** 1-based position of this history. */
  done: number;
  total: number;
  outcome: ReplayOutcome;
}

/**
 * Why a history failed to replay.
 * - `nondeterminism`: the code issues other commands than the history recorded (`eventId` names the event).
 * - `workflow-task`: the code threw while replaying (a bug, or a history from code that no longer exists).
 * - `unreadable`: the file is not a history, or a case recorded before start-by-name (see `AuditError`).
 * - `tampered`: the definition recorded in the history does not match its recorded hash (`DEFINITION_TAMPERED`).
 * - `internal`: the SDK failed for another reason.
 */
export type ReplayFailureKind = 'nondeterminism' | 'workflow-task' | 'unreadable' | 'tampered' | 'internal';

export interface ReplayFailure {
  kind: ReplayFailureKind;
  /** The history event the code disagreed with, when the SDK says. */
  eventId?: number;
  /** What differed, in the SDK's words (one line). */
  message: string;
}

export interface ReplayOutcome {
  file: string;
  workflowId: string;
  runId?: string;
  ok: boolean;
  failure?: ReplayFailure;
  /** Number of events in the history. */
  events: number;
  /** The timeline entries the workflow reported while replaying, in order. */
  timeline: TimelineEntry[];
  /** Said when there was nothing to replay (no workflow task had completed when it was exported). */
  note?: string;
}

/** Replays every history in `paths` (files, or directories of `*.json`), one at a time, in order. */
export async function replayHistories(paths: string | string[], options: ReplayOptions = {}): Promise<ReplayOutcome[]> {
  const files = await listHistoryFiles(paths);
  return replayHistoryFiles(files, options);
}

/** Replays already-listed files; unreadable ones are reported as `unreadable`, not thrown. */
export function replayHistoryFiles(files: Array<string | HistoryFile>, options: ReplayOptions = {}): Promise<ReplayOutcome[]> {
  return replayMany(files, options);
}

/** Replays one history already read; resolves to its outcome. */
export async function replayHistoryFile(file: HistoryFile, options: ReplayOptions = {}): Promise<ReplayOutcome> {
  return (await replayMany([file], options))[0];
}

async function replayMany(items: Array<string | HistoryFile>, options: ReplayOptions): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  const report = (outcome: ReplayOutcome) => {
    outcomes.push(outcome);
    options.onProgress?.({ done: outcomes.length, total: items.length, outcome });
  };
  // Histories are fed one at a time; the sink writes into the one being replayed.
  let current: { file: HistoryFile; timeline: TimelineEntry[] } | undefined;
  const sinks: InjectedSinks<AuditSinks> = {
    audit: { entry: { fn: (_info: WorkflowInfo, entry: TimelineEntry) => void current?.timeline.push(entry), callDuringReplay: true } },
  };

  async function* histories(): AsyncGenerator<HistoryAndWorkflowId> {
    for (const item of items) {
      let file: HistoryFile;
      try {
        file = typeof item === 'string' ? await readHistoryFile(item) : item;
      } catch (err) {
        if (!(err instanceof AuditError)) throw err;
        report({
          file: String(item),
          workflowId: '',
          ok: false,
          failure: { kind: 'unreadable', message: err.message },
          events: 0,
          timeline: [],
        });
        continue;
      }
      try {
        checkRecordedDefinition(file);
      } catch (err) {
        if (!(err instanceof AuditError)) throw err;
        const kind: ReplayFailureKind = err.code === 'DEFINITION_TAMPERED' ? 'tampered' : 'unreadable';
        report({
          file: file.file,
          workflowId: file.workflowId,
          ok: false,
          failure: { kind, message: err.message },
          events: file.history.events?.length ?? 0,
          timeline: [],
        });
        continue;
      }
      if (!file.history.events?.some((e) => eventTypeName(e) === 'WorkflowTaskCompleted')) {
        // The SDK would wait forever for a task to replay.
        const note = 'nothing to replay: no workflow task had completed when the history was exported';
        report({ file: file.file, workflowId: file.workflowId, ok: true, events: file.history.events?.length ?? 0, timeline: [], note });
        continue;
      }
      current = { file, timeline: [] };
      yield { workflowId: file.workflowId, history: file.history };
    }
  }

  if (items.length === 0) return outcomes;
  // Resolved before the runtime is installed: a runtime that is never used keeps the process alive.
  const source = workflowSource(options);
  if (options.quiet) quietReplayLogs();
  for await (const result of Worker.runReplayHistories(
    { ...source, sinks, replayName: 'docket-replay', dataConverter: { payloadConverterPath: PAYLOAD_CONVERTER_PATH } },
    histories(),
  )) {
    const replayed = current!;
    const failure = result.error ? describeFailure(result.error, replayed.file) : undefined;
    report({
      file: replayed.file.file,
      workflowId: result.workflowId,
      runId: result.runId || undefined,
      ok: !failure,
      failure,
      events: replayed.file.history.events?.length ?? 0,
      timeline: replayed.timeline,
    });
    current = undefined;
  }
  return outcomes;
}

function workflowSource(
  options: ReplayOptions,
): Pick<ReplayWorkerOptions, 'workflowBundle' | 'workflowsPath' | 'interceptors' | 'bundlerOptions'> {
  if (options.workflowBundle) {
    const { codePath } = options.workflowBundle as { codePath?: string };
    if (codePath !== undefined && !existsSync(codePath)) throw new AuditError('FILE_UNREADABLE', codePath, 'no such workflow bundle file');
    return { workflowBundle: options.workflowBundle };
  }
  // Bundled here: with the actor interceptor, which decides the actor an event's handler sees.
  const interceptors = { workflowModules: WORKFLOW_INTERCEPTOR_MODULES };
  if (options.workflowsPath) return { workflowsPath: options.workflowsPath, interceptors };
  const prebuilt = bundlePath(options.env);
  return prebuilt
    ? { workflowBundle: { codePath: prebuilt } }
    : { workflowsPath: require.resolve('../workflows'), interceptors, bundlerOptions: WORKFLOW_BUNDLER_OPTIONS };
}

/** The SDK's replay error as one line, with the event Core names pulled out. */
export function describeFailure(error: Error, file?: HistoryFile): ReplayFailure {
  const raw = error.message.replace(/\s+/g, ' ').trim();
  const kind: ReplayFailureKind =
    error.name === 'DeterminismViolationError' || /nondeterminism/i.test(raw)
      ? 'nondeterminism'
      : /workflow task failure/i.test(raw)
        ? 'workflow-task'
        : 'internal';
  // Core wraps its message in a debug-printed Failure { message: "…", … }: keep the message.
  const inner = /message: "((?:[^"\\]|\\.)*)"/.exec(raw)?.[1] ?? raw.replace(/^.*?Details: /, '');
  const match = /HistoryEvent\(id: (\d+)(?:, (\w+))?/.exec(inner) ?? /event(?: id)?[ :#]+(\d+)/i.exec(inner);
  const eventId = match ? Number(match[1]) : file && scheduledEventNamed(inner, file);
  const recorded = eventId !== undefined && file ? file.history.events?.find((e) => num(e.eventId) === eventId) : undefined;
  const what = recorded ? `the history has ${eventTypeName(recorded)} at event ${eventId}` : undefined;
  return { kind, eventId, message: [inner.replace(/^\[TMPRL\d+\] /, ''), what].filter(Boolean).join('; ') };
}

/**
 * Core names no event id when the activity type differs ("Activity type of scheduled event
 * 'resolveDefinition' does not match activity type of activity command 'notify'"): the event is
 * the ActivityTaskScheduled of that type, when the history has exactly one (the engine's
 * resolveDefinition step, for instance); with several it cannot tell which, and says none.
 */
function scheduledEventNamed(message: string, file: HistoryFile): number | undefined {
  const type = /scheduled event '([^']+)'/.exec(message)?.[1];
  if (type === undefined) return undefined;
  const scheduled = (file.history.events ?? []).filter(
    (e) => eventTypeName(e) === 'ActivityTaskScheduled' && e.activityTaskScheduledEventAttributes?.activityType?.name === type,
  );
  return scheduled.length === 1 ? num(scheduled[0].eventId) : undefined;
}

/**
 * Sends the SDK's and Core's logs to stderr at `level` only (default ERROR), so a replay prints
 * its own report and not Core's warnings about the failing task. Does nothing when the Temporal
 * runtime already exists (a worker in the same process set it up). Call it only right before a
 * replay: an installed runtime that is never used keeps the process alive.
 */
export function quietReplayLogs(level: 'WARN' | 'ERROR' = 'ERROR'): void {
  try {
    Runtime.install({
      logger: new DefaultLogger(level),
      telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: level }) } },
    });
  } catch (err) {
    if (!(err instanceof IllegalStateError)) throw err;
  }
}
