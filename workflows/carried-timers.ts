/**
 * Deadlines carried across continue-as-new. XState does not re-arm a restored snapshot's `after`
 * timers, so each carried deadline gets a durable timer for its remainder that sends the same
 * `after` event XState would have sent (compiler/xstate-events.ts). Leaving the state cancels it.
 * The timers come from the case's own clock (durable-clock.ts), never the sandbox's globals.
 */
import type { CarriedDeadline } from '../contract/wire';
import { afterEventType } from '../compiler/xstate-events';
import type { CaseClock } from './durable-clock';

export class CarriedTimers {
  private readonly timers = new Map<string, number>();

  constructor(private readonly clock: CaseClock) {}

  arm(deadline: CarriedDeadline, fire: (eventType: string) => void, now: number): void {
    const id = this.clock.setTimeout(
      () => {
        this.timers.delete(deadline.key);
        fire(afterEventType(deadline.key, deadline.state));
      },
      Math.max(0, deadline.dueMs - now),
    );
    this.timers.set(deadline.key, id);
  }

  cancel(key: string): void {
    const id = this.timers.get(key);
    this.timers.delete(key);
    if (id !== undefined) this.clock.clearTimeout(id);
  }
}
