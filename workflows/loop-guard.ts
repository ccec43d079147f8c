/**
 * Stops a definition that runs away: `always` transitions in a cycle (which XState would follow
 * forever inside one workflow task) or a loop of `after` timers with (almost) no delay (which
 * grows the history without end). Steps taken by themselves are counted since the last outside
 * event (an Update, a Signal, an invocation's result) or the last timer of at least a second;
 * past the limit the case fails as LOOP_DETECTED, naming the states of the loop.
 */
import { CaseError } from '../compiler/case-error';

/** Automatic steps (`always`, short timers) allowed in a row without an outside event. */
export const MAX_AUTOMATIC_STEPS = 100;
/**
 * Of those, timers under SHORT_DELAY_MS. Each is a workflow task and about a second of real time
 * on the server (timers are not fired sooner), so a timer loop fails after about 20 s.
 */
export const MAX_SHORT_TIMER_STEPS = 20;
/** A timer at least this long counts as time passing, like an outside event. */
export const SHORT_DELAY_MS = 1000;

export class LoopGuard {
  private steps = 0;
  private timerSteps = 0;
  private states: string[] = [];
  /** The LOOP_DETECTED error, once thrown (XState wraps it; the runtime reads it here). */
  tripped: CaseError | undefined;

  /** Something from outside happened: the count starts again. */
  outsideEvent(): void {
    this.steps = 0;
    this.timerSteps = 0;
    this.states = [];
  }

  /** One automatic step; throws LOOP_DETECTED past the limit. */
  step(step: { kind: 'always' | 'after'; state: string; delayMs?: number }): void {
    if (step.kind === 'after' && (step.delayMs === undefined || step.delayMs >= SHORT_DELAY_MS)) {
      this.outsideEvent();
      return;
    }
    this.steps++;
    if (step.kind === 'after') this.timerSteps++;
    if (!this.states.includes(step.state) && this.states.length < 10) this.states.push(step.state);
    const what =
      this.timerSteps > MAX_SHORT_TIMER_STEPS
        ? `more than ${MAX_SHORT_TIMER_STEPS} timers under ${SHORT_DELAY_MS} ms`
        : this.steps > MAX_AUTOMATIC_STEPS
          ? `more than ${MAX_AUTOMATIC_STEPS} transitions (always, or after under ${SHORT_DELAY_MS} ms)`
          : undefined;
    if (what) {
      throw (this.tripped = new CaseError(
        'LOOP_DETECTED',
        `${what} in a row without an outside event, through ${this.states.join(', ')}: the definition loops`,
      ));
    }
  }
}
