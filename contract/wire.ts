/**
 * The wire contract: the names and shapes any Temporal SDK (or the `temporal` CLI) uses to
 * start and drive a docket process. Imported by the workflow, the worker and the client, so
 * it must stay free of Node built-ins (it is bundled into workflow code).
 */
import type { DefinitionBundle } from '../dsl/types';

/** The one workflow type that runs every process. */
export const WORKFLOW_TYPE = 'process';
/** Default task queue; override with `DOCKET_TASK_QUEUE`. */
export const DEFAULT_TASK_QUEUE = 'docket';
/** Update name for events (validated; returns the new `StateView`). */
export const EVENT_UPDATE = 'event';
/** Signal name for fire-and-forget events (rejected ones are recorded in the timeline). */
export const EVENT_SIGNAL = 'event';
/** Query name for the state view. */
export const STATE_QUERY = 'state';

/** Who sends an event. */
export interface Actor {
  id: string;
  roles: string[];
}

/** The payload of the `event` Update and Signal. */
export interface EventInput {
  type: string;
  actor: Actor;
  data?: Record<string, unknown>;
}

/** Workflow input: the definition travels with the case, pinned by its hash. */
export interface ProcessArgs {
  bundle: DefinitionBundle;
  input: Record<string, unknown>;
  /**
   * Continue as new once the run's history has this many events (default 2000; Temporal's own
   * "continue-as-new suggested" also triggers it). Long-running processes stay small this way.
   */
  continueAsNewAfter?: number;
  /** Set by the engine itself when a case continues as new: where the previous run stopped. */
  resume?: ResumeState;
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
}

export interface CarriedDeadline {
  key: string;
  name: string;
  state: string;
  dueMs: number;
  target?: string;
}

/** Why an event was refused. Each code is listed in the README's error table. */
export type RejectionCode =
  | 'UNKNOWN_EVENT'
  | 'EVENT_NOT_ALLOWED'
  | 'ROLE_NOT_ALLOWED'
  | 'INVALID_PAYLOAD'
  | 'GUARD_FAILED'
  | 'CASE_CLOSED'
  | 'INVALID_EVENT';

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
      actor?: Actor;
      from: string[];
      to: string[];
      data?: Record<string, unknown>;
    }
  | { kind: 'rejected'; at: string; event: string; actor?: Actor; code: RejectionCode; reason: string }
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

/** What the `state` Query and an accepted `event` Update return. */
export interface StateView {
  workflowId: string;
  process: string;
  title: string;
  definitionHash: string;
  status: 'running' | 'completed' | 'failed';
  /** Active leaf states as dotted paths, e.g. `["handling.waiting_response"]`. */
  state: string[];
  context: Record<string, unknown>;
  /** Role → events that role may send now (guards are checked when the event arrives). */
  allowed: Record<string, string[]>;
  deadlines: PendingDeadline[];
  timeline: TimelineEntry[];
  outcome?: string;
}

/** Workflow result. */
export interface ProcessResult {
  outcome: string;
  state: string[];
  context: Record<string, unknown>;
  definitionHash: string;
  timeline: TimelineEntry[];
}
