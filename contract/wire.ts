/**
 * The wire contract: the names and shapes any Temporal SDK (or the `temporal` CLI) uses to
 * start and drive a docket process. Imported by the workflow, the worker and the client, so
 * it must stay free of Node built-ins (it is bundled into workflow code).
 */
import type { ProcessDefinition } from '../dsl/types';
import type { ActorTrust } from './actor-assertion';

/** The one workflow type that runs every process. */
export const WORKFLOW_TYPE = 'process';
/** Default task queue; override with `DOCKET_TASK_QUEUE`. */
export const DEFAULT_TASK_QUEUE = 'docket';
/** Update name for events (validated; returns an `EventResult`, not the whole state view). */
export const EVENT_UPDATE = 'event';
/** Signal name for fire-and-forget events (rejected ones are recorded in the timeline). */
export const EVENT_SIGNAL = 'event';
/** Query name for the state view (argument: an optional `TimelinePage`). */
export const STATE_QUERY = 'state';

/** Who sends an event. */
export interface Actor {
  id: string;
  roles: string[];
}

/** The actor a timeline entry names: with the issuer that vouched for them when the event carried a verified assertion. */
export interface TimelineActor extends Actor {
  issuer?: string;
}

/** The payload of the `event` Update and Signal. */
export interface EventInput {
  type: string;
  actor: Actor;
  data?: Record<string, unknown>;
}

/**
 * Workflow input (the start contract): a case starts by process name. The worker resolves the
 * deployed definition from the registry in a recorded step (the `resolveDefinition` activity), so
 * the definition a case runs is pinned in its history and never taken from the caller.
 */
export interface ProcessArgs {
  /** Process id of a deployed definition, e.g. `complaint`. */
  process: string;
  /**
   * Which deployed version: its number (1, 2, …) or its definition hash (64 hex characters, or an
   * unambiguous prefix of at least 8). Default: the process's current version.
   */
  version?: number | string;
  /** The start payload, checked against the definition's `input` schema (defaults applied). */
  input?: Record<string, unknown>;
  /**
   * Development only: a definition sent inline. Refused (`INLINE_DEFINITION_REFUSED`) unless the
   * worker runs with `DOCKET_ALLOW_INLINE_DEFINITIONS=1`; even then the worker validates it and
   * computes its hash itself.
   */
  definition?: unknown;
  /**
   * Continue as new once the run's history has this many events (default 2000; Temporal's own
   * "continue-as-new suggested" also triggers it). Long-running processes stay small this way.
   */
  continueAsNewAfter?: number;
  /**
   * The version of each child process the case may start, by definition hash (the registry's
   * `definition` Query answers them as `children`; the TypeScript client sends them). Optional:
   * without it the worker pins each child's current version. The worker takes none of them on
   * the caller's word: each must be a version of that child deployed on the worker's task queue
   * (`DEFINITION_NOT_FOUND` otherwise). With `version` as a full hash it lets the worker answer
   * the definition step from memory, without a registry round trip (docs/performance.md).
   */
  children?: Record<string, string>;
  /**
   * Set by the engine itself when a case continues as new: where the previous run stopped. A run
   * that was not continued as new refuses it (`INVALID_START`), so a caller cannot forge a state.
   */
  resume?: ResumeState;
}

/** What the `resolveDefinition` activity returns; recorded in the case's history. */
export interface ResolvedDefinition {
  process: string;
  /** sha256 (hex) of the canonical JSON (RFC 8785) of `definition`, computed by the worker. */
  hash: string;
  /**
   * The definition, packed: base64 (RFC 4648) of raw DEFLATE (RFC 1951) of its JSON
   * (contract/packed-definition.ts, `unpackDefinition`). Every resolution since 2026-12-02 records
   * this instead of `definition`: it is a third of the size in every case's history. Readers
   * unpack it and recompute `hash` from the result.
   */
  definitionDeflated?: string;
  /** The definition as plain JSON: histories recorded before 2026-12-02 (read with `unpackDefinition`). */
  definition?: ProcessDefinition;
  /** Child process id → the hash of the version this case's children run (pinned at resolution). */
  children: Record<string, string>;
  /** `registry` for a deployed version; `inline` for a development-mode inline definition. */
  source: 'registry' | 'inline';
  /** Registry version number (absent for inline definitions). */
  version?: number;
  deployedBy?: string;
  deployedAt?: string;
  /**
   * The worker's rule for actors when the case resolved its definition: whether events must carry
   * a signed actor assertion, and the public keys it trusts. Recorded with the definition, so a
   * replay checks with the same keys. Absent in histories recorded before signed actors (treated
   * as not required).
   */
  actors?: ActorTrust;
}

/** Input of the `resolveDefinition` activity (the recorded step at the start of every run). */
export interface ResolveRequest {
  process?: string;
  version?: number | string;
  /** Child versions pinned by an earlier run of the same case (continue-as-new keeps them), or named by the start's `children`. */
  children?: Record<string, string>;
  definition?: unknown;
}

/** What a case carries into its next run when it continues as new. */
export interface ResumeState {
  /** XState persisted snapshot (state value and context). */
  snapshot: unknown;
  /** Pending deadlines with their absolute due times, re-armed for the remainder. */
  deadlines: CarriedDeadline[];
  /** The last timeline entries (the full record stays in the earlier runs' histories). */
  timeline: TimelineEntry[];
  /** 1 for the first run, 2 after the first continue-as-new, … */
  run: number;
  /** The child versions pinned when the case first resolved its definition. */
  children?: Record<string, string>;
  /** Compensations of invocations that returned, oldest first, not yet run (compiler/compensation.ts). */
  compensations?: CarriedCompensation[];
}

/** A compensation waiting to run: what undoes the invocation `compensates` of `state`. */
export interface CarriedCompensation {
  state: string;
  kind: 'activity' | 'process';
  name: string;
  input: Record<string, unknown>;
  compensates: string;
}

export interface CarriedDeadline {
  key: string;
  name: string;
  state: string;
  dueMs: number;
  target?: string;
}

/** Why an event was refused. Each code is listed in docs/error-codes.md. */
export type RejectionCode =
  | 'UNKNOWN_EVENT'
  | 'EVENT_NOT_ALLOWED'
  | 'ROLE_NOT_ALLOWED'
  | 'INVALID_PAYLOAD'
  | 'GUARD_FAILED'
  | 'CASE_STARTING'
  | 'CASE_CLOSED'
  | 'INVALID_EVENT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'SAME_ACTOR';

/**
 * Why a case could not start or run (the `type` of the workflow's non-retryable failure).
 * Each code is listed in docs/error-codes.md.
 */
export type CaseFailureCode =
  | 'INVALID_START'
  | 'DEFINITION_NOT_FOUND'
  | 'INVALID_DEFINITION'
  | 'INLINE_DEFINITION_REFUSED'
  | 'INVALID_INPUT'
  | 'PROCESS_FAILED'
  | 'EXPRESSION_FAILED'
  | 'DECISION_NOT_UNIQUE'
  | 'LOOP_DETECTED';

/**
 * A case's status. `starting` while the first step resolves the definition (title, hash, state
 * and lists are empty then); `running`, `completed`, `failed` and `compensating` (while the case runs
 * its compensations, before it ends cancelled, failed or completed) come from the workflow itself; the others
 * from Temporal's execution status when the case was closed from outside (or continued as new,
 * when a specific earlier run is asked for).
 */
export type CaseStatus =
  'starting' | 'running' | 'compensating' | 'completed' | 'failed' | 'terminated' | 'cancelled' | 'timed_out' | 'continued_as_new';

export interface Rejection {
  code: RejectionCode;
  message: string;
  /** Events the sender's roles may send now (when it helps to say so). */
  allowed?: string[];
}

export type TimelineEntry =
  | { kind: 'started'; at: string; state: string[]; definition: string; hash: string }
  | {
      kind: 'transition';
      at: string;
      event: string;
      actor?: TimelineActor;
      from: string[];
      to: string[];
      data?: Record<string, unknown>;
    }
  | { kind: 'rejected'; at: string; event: string; actor?: TimelineActor; code: RejectionCode; reason: string }
  | { kind: 'deadline'; at: string; name: string; state: string; due: string; target?: string }
  | {
      kind: 'invoke';
      at: string;
      state: string;
      activity?: string;
      process?: string;
      status: 'done' | 'failed';
      output?: unknown;
      error?: string;
      /** Set on a compensation: the invocation (activity or process name) whose effect it undid. */
      compensates?: string;
    }
  | { kind: 'continued'; at: string; run: number; state: string[] }
  | { kind: 'completed'; at: string; outcome: string; state: string[] };

export interface PendingDeadline {
  name: string;
  /** Dotted path of the state that armed it. */
  state: string;
  /** ISO time the deadline fires. */
  due: string;
  target?: string;
}

/** The optional argument of the `state` Query: which part of the timeline to return. */
export interface TimelinePage {
  /** Index of the first entry (0 = the oldest the run holds). Default: the last `timelineLimit` entries. */
  timelineFrom?: number;
  /** How many entries at most. Default `DEFAULT_TIMELINE_LIMIT`. */
  timelineLimit?: number;
}

/** Timeline entries the `state` Query returns when the caller does not say. */
export const DEFAULT_TIMELINE_LIMIT = 100;

/**
 * What an accepted `event` Update returns: small on purpose, because Temporal stores every Update
 * result in the case's history. The whole timeline and context come from the `state` Query. Not
 * the case id (the caller addressed the Update to it; results recorded before issue 10's trim, on
 * 2026-12-02, carry `workflowId`) nor roles that may send nothing.
 */
export interface EventResult {
  status: CaseStatus;
  /** Active leaf states after the event. */
  state: string[];
  /** Role → events that role may send now; only roles that may send at least one (empty once the case has ended). */
  allowed: Record<string, string[]>;
  deadlines: PendingDeadline[];
  /** Context keys the event changed, with their new values (removed keys are `null`). */
  changed: Record<string, unknown>;
  /** The timeline entries the event added, oldest first. */
  timeline: TimelineEntry[];
  /** Index in the run's timeline of the first entry in `timeline` (for paging the `state` Query). */
  timelineFrom: number;
  outcome?: string;
}

/** What the `state` Query returns. */
export interface StateView {
  workflowId: string;
  process: string;
  title: string;
  definitionHash: string;
  status: CaseStatus;
  /** Registry version number of the definition (absent for inline definitions). */
  definitionVersion?: number;
  /** Active leaf states as dotted paths, e.g. `["handling.waiting_response"]`. */
  state: string[];
  context: Record<string, unknown>;
  /** Role → events that role may send now (guards are checked when the event arrives). */
  allowed: Record<string, string[]>;
  deadlines: PendingDeadline[];
  /**
   * The child processes this case runs now (absent when none): each child's workflow id, process
   * and the state of this case that invoked it. `state` and `status` are the child's own, which
   * the workflow cannot read: clients fill them in with a Query of the child (ProcessClient.state),
   * and leave them out when the child does not answer.
   */
  children?: ChildView[];
  /** A page of the timeline, oldest first: by default the last `DEFAULT_TIMELINE_LIMIT` entries. */
  timeline: TimelineEntry[];
  /** Index of `timeline[0]` in the run's whole timeline. */
  timelineFrom?: number;
  /** How many entries the run's timeline holds (carried-over ones included). */
  timelineTotal?: number;
  outcome?: string;
  /** Why a failed case failed: the failure's type (a `CaseFailureCode`) and message. Set by clients from Temporal. */
  failure?: { code: string; message: string };
  /**
   * Set by clients from Temporal when the case's workflow task keeps failing (a pending workflow
   * task on attempt > 1, or a WorkflowTaskFailed as the last workflow-task event of the history):
   * how many attempts so far, Temporal's cause (e.g. `WORKFLOW_WORKER_UNHANDLED_FAILURE`) and the
   * failure's message. The case is running but cannot move until the cause is fixed.
   */
  stuck?: CaseStuck;
}

/** A running child process, as its parent's state view lists it (see `StateView.children`). */
export interface ChildView {
  /** The child's workflow id, `<parent id>/<process>-<n>`. */
  id: string;
  process: string;
  /** The parent's state (dotted path) whose `invoke` started it. */
  invokedIn: string;
  /** The child's active leaf states, from a Query of the child (filled in by clients). */
  state?: string[];
  /** The child's status, from the same Query (filled in by clients). */
  status?: CaseStatus;
}

/** Why a running case cannot move: its workflow task fails (see `StateView.stuck`). */
export interface CaseStuck {
  attempts: number;
  cause: string;
  message: string;
}

/** Workflow result. */
export interface ProcessResult {
  outcome: string;
  state: string[];
  context: Record<string, unknown>;
  /** The final state's `output` (key → value), what a parent's `invoke.onDone` sees as `event.output.output`. */
  output?: Record<string, unknown>;
  definitionHash: string;
  /**
   * How many timeline entries the case's last run holds. The timeline itself is not repeated in
   * the result (Temporal stores the result in the history, which already holds what the timeline
   * is made of; `docket audit` rebuilds it by replay): read it with the `state` Query, a page at a
   * time (`ProcessClient.timeline`), or from the history with `docket audit`.
   */
  timelineTotal: number;
  /** Only in results of cases that completed before 2026-12-02, which repeated the whole timeline. */
  timeline?: TimelineEntry[];
}
