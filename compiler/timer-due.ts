/**
 * How long an `after` entry waits: its `delay` (a duration literal or an expression giving one)
 * or, for `at:`, the time from now to the absolute due time the expression gives. Pure: `now`
 * comes from the caller (the workflow's clock).
 */
import { expressionType } from '../dsl/cel';
import { isDurationLiteral, parseDuration } from '../dsl/duration';
import type { DelaySpec } from '../dsl/types';

/** Longest wait accepted: 100 years; anything longer is a mistake in the expression. */
export const MAX_DELAY_MS = 100 * 365 * 24 * 3600 * 1000;

const TIMESTAMP = 'google.protobuf.Timestamp';

/**
 * Milliseconds to wait. `evaluate` evaluates a CEL expression in the case's scope. Throws with a
 * message for people (the caller wraps it as EXPRESSION_FAILED with the state's name).
 */
export function timerDelayMs(d: DelaySpec, now: number, evaluate: (source: string) => unknown): number {
  if (d.at !== undefined) {
    const due = dueTime(d.at, evaluate);
    // A due time already past fires at once, as a deadline that was missed before it was armed.
    return Math.min(Math.max(0, due - now), MAX_DELAY_MS);
  }
  const delay = d.delay ?? '';
  if (isDurationLiteral(delay)) return parseDuration(delay)!;
  const value = evaluate(delay);
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined || !Number.isFinite(ms) || ms < 0 || ms > MAX_DELAY_MS) {
    throw new Error(`it gave ${JSON.stringify(value)}; it must give a duration like "4h" or milliseconds (0 to 100 years)`);
  }
  return ms;
}

/** Epoch milliseconds of an `at:` expression: a CEL timestamp, a number of milliseconds or an RFC 3339 string. */
function dueTime(source: string, evaluate: (source: string) => unknown): number {
  // A CEL timestamp is not JSON (it evaluates to {}), so read it as milliseconds.
  const value = expressionType(source) === TIMESTAMP ? evaluate(`millis(${source})`) : evaluate(source);
  const ms = typeof value === 'number' ? value : typeof value === 'string' && RFC3339.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) {
    throw new Error(
      `it gave ${JSON.stringify(value)}; it must give a time: a CEL timestamp, epoch milliseconds or an RFC 3339 string like "2026-01-05T18:00:00Z"`,
    );
  }
  return ms;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
