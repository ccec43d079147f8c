/**
 * The case's clock: durable timers private to one workflow run, for XState's `clock` option and
 * for the deadlines carried across continue-as-new.
 *
 * Why not the sandbox's global `setTimeout`/`clearTimeout`: in @temporalio/workflow 1.24.0
 * (lib/global-overrides.js) `overrideGlobals()` runs once when the bundle loads, so with the
 * reusable V8 context (the default) every workflow in the worker shares one
 * `timeoutCancellationScopes` map, keyed by each workflow's own timer sequence number (1, 2, 3 …).
 * `clearTimeout(1)` in one case can cancel another case's timer 1, or, when the other case already
 * removed the entry, emit a `cancelTimer` for a sequence number that is not its own. Checked with
 * bench/sdk-cleartimeout (no docket code: a global setTimeout cleared by an Update that then runs
 * an activity): 30 concurrent workflows on one worker with `maxCachedWorkflows: 100` → 6 of 30
 * histories failed replay ("Activity machine does not handle this event: TimerCanceled"); with
 * the cache at 0, 0 of 30 in that run. 1.24.0 is the newest SDK release; no upstream issue found.
 *
 * Each timer here is `sleep()` in its own `CancellationScope`, and its id is a number this object
 * hands out, so nothing is shared with other workflows. Workflow code only.
 */
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';

/** XState's `Clock` shape (createActor's `clock` option). */
export interface CaseClock {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): number;
  clearTimeout(id: unknown): void;
}

export class DurableClock implements CaseClock {
  private nextId = 0;
  private readonly scopes = new Map<number, CancellationScope>();

  /** Arms a durable timer; `fn` runs when it fires unless `clearTimeout(id)` came first. */
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const id = ++this.nextId;
    const scope = new CancellationScope();
    this.scopes.set(id, scope);
    // At least 1 ms, as the sandbox's setTimeout does (a zero-length timer is not a valid command).
    const ms = Math.max(1, Number.isFinite(timeout) ? timeout : 1);
    scope
      .run(() => sleep(ms))
      .then(
        () => {
          if (this.scopes.delete(id)) fn();
        },
        (err) => {
          this.scopes.delete(id);
          if (!isCancellation(err)) throw err;
        },
      );
    return id;
  }

  /** Cancels the timer (a `CancelTimer` command); unknown or fired ids are ignored. */
  clearTimeout(id: unknown): void {
    const scope = this.scopes.get(id as number);
    if (!scope) return;
    this.scopes.delete(id as number);
    scope.cancel();
  }

  /** Timers armed and not yet fired or cleared. */
  get pending(): number {
    return this.scopes.size;
  }
}
