/**
 * Events sent while a case is starting (its first step resolves the definition): up to
 * MAX_EVENTS_WAITING_FOR_START `event` Updates are accepted and wait for the start, then are
 * checked like any other event; the rest are refused `CASE_STARTING` as before (no trace, send
 * again). Without this a caller that sends the first event right after the start is refused and
 * must resend (docs/performance.md "Events sent while the case is starting").
 *
 * Why accepting is safe:
 * - An accepted Update is in the history (UpdateAccepted) even when the check after the start
 *   refuses it (UpdateCompleted with the refusal). The bound keeps a stuck start from filling a
 *   history with such events: at most MAX_EVENTS_WAITING_FOR_START wait at once.
 * - Histories recorded before this have no Update accepted during the start (the validator
 *   refused them, which leaves nothing in a history), so they replay as they ran.
 * - The bound is read by the validator only, which runs live and never on replay; the count it
 *   reads is kept by the handler, which runs on replay too, so a replay sees the same waits.
 */
import { ApplicationFailure, condition } from '@temporalio/workflow';
import type { EventInput, EventResult } from '../contract/wire';
import { verifyWaiting } from './actor-verification';
import { refusal } from './refusal';

/**
 * Updates that may wait for the start at once; the rest are refused `CASE_STARTING`. Below the
 * server's own bound on a workflow's Updates in flight (dynamic config `history.maxInFlightUpdates`,
 * 10 by default; past it the server answers RESOURCE_EXHAUSTED, which names no docket code), so a
 * caller past this bound gets a code it knows and room is left for the Updates sent once it runs.
 */
export const MAX_EVENTS_WAITING_FOR_START = 5;

type Handle = (event: EventInput) => EventResult;

export class StartGate {
  private handle: Handle | undefined;
  /** Why the case could not start (the state Query's `failure` while it has no state). */
  failure: { code: string; message: string } | undefined;
  private waiting = 0;

  constructor(private readonly caseId: () => string) {}

  /** The case runs: waiting events are checked and applied by `handle` (which refuses what its checks refuse). */
  ready(handle: Handle): void {
    this.handle = handle;
  }

  /**
   * The start failed: waiting events are refused. True when some were waiting, so the workflow
   * lets their handlers finish before it fails (an Update still open when a workflow ends is
   * failed by Temporal without a code).
   */
  fail(err: unknown): boolean {
    if (this.handle || this.failure) return false;
    this.failure = { code: (err as ApplicationFailure)?.type ?? 'DEFINITION_NOT_FOUND', message: (err as Error)?.message ?? String(err) };
    return this.waiting > 0;
  }

  /** The validator while the case starts: refuses once MAX_EVENTS_WAITING_FOR_START events wait. */
  readonly validator = (_event: EventInput): void => {
    if (this.waiting < MAX_EVENTS_WAITING_FOR_START) return;
    throw refusal({
      code: 'CASE_STARTING',
      message: `case ${this.caseId()} is still resolving its definition and ${this.waiting} events already wait for it; send the event again in a moment`,
    });
  };

  /** The handler of an event accepted while the case starts: waits for the start, then checks and applies it. */
  readonly handler = async (event: EventInput): Promise<EventResult> => {
    this.waiting++;
    try {
      await condition(() => this.handle !== undefined || this.failure !== undefined);
    } finally {
      this.waiting--;
    }
    if (!this.handle) {
      throw refusal({
        code: 'CASE_CLOSED',
        message: `case ${this.caseId()} could not start (${this.failure!.code}: ${this.failure!.message}); it accepts no events`,
      });
    }
    // The actor interceptor could not verify the event before the worker's rule was known: now it can.
    const checked = verifyWaiting(event);
    if ('rejection' in checked) throw refusal(checked.rejection);
    return this.handle(checked.event);
  };
}
