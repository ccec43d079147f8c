/**
 * Deadlines carried across continue-as-new. XState does not re-arm a restored snapshot's `after`
 * timers, so each carried deadline gets a durable timer for its remainder that sends the same
 * `xstate.after.<key>.<node id>` event XState would have sent. Leaving the state cancels it.
 * The timers come from the case's own clock (durable-clock.ts), never the sandbox's globals.
 */
import type { CarriedDeadline } from '../contract/wire';
import type { CaseClock } from './durable-clock';

export class CarriedTimers {
  private readonly timers = new Map<string, number>();

  constructor(private readonly clock: CaseClock) {}

  arm(deadline: CarriedDeadline, fire: (eventType: string) => void, now: number): void {
    const nodeId = deadline.state.split('.').join('/');
    const id = this.clock.setTimeout(() => {
      this.timers.delete(deadline.key);
      fire(`xstate.after.${deadline.key}.${nodeId}`);
    }, Math.max(0, deadline.dueMs - now));
    this.timers.set(deadline.key, id);
  }

  cancel(key: string): void {
    const id = this.timers.get(key);
    this.timers.delete(key);
    if (id !== undefined) this.clock.clearTimeout(id);
  }
}
