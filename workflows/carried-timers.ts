/**
 * Deadlines carried across continue-as-new. XState does not re-arm a restored snapshot's `after`
 * timers, so each carried deadline gets a durable timer for its remainder that sends the same
 * `xstate.after.<key>.<node id>` event XState would have sent. Leaving the state cancels it.
 */
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { CarriedDeadline } from '../contract/wire';

export class CarriedTimers {
  private readonly cancels = new Map<string, () => void>();

  arm(deadline: CarriedDeadline, fire: (eventType: string) => void): void {
    const scope = new CancellationScope();
    const nodeId = deadline.state.split('.').join('/');
    scope
      .run(() => sleep(Math.max(0, deadline.dueMs - Date.now())))
      .then(
        () => {
          this.cancels.delete(deadline.key);
          fire(`xstate.after.${deadline.key}.${nodeId}`);
        },
        (err) => {
          if (!isCancellation(err)) throw err;
        },
      );
    this.cancels.set(deadline.key, () => scope.cancel());
  }

  cancel(key: string): void {
    const cancel = this.cancels.get(key);
    this.cancels.delete(key);
    cancel?.();
  }
}
