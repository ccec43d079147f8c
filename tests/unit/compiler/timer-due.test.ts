/** How long an `after` entry waits: `delay`, or `at:` an absolute time (issue 13 item 5). */
import { timerDelayMs } from '../../../compiler/timer-due';
import { evaluate } from '../../../dsl/cel';
import type { DelaySpec } from '../../../dsl/types';

const NOW = Date.parse('2026-01-05T02:00:00Z');
const context = { callBefore: Date.parse('2026-01-05T06:00:00Z'), promised: '2026-01-05T03:30:00Z' };
const run = (d: Partial<DelaySpec>) => timerDelayMs(d as DelaySpec, NOW, (source) => evaluate(source, { now: NOW, context, input: {} }));

describe('at: an absolute due time', () => {
  it('takes epoch milliseconds', () => expect(run({ at: 'context.callBefore' })).toBe(4 * 3_600_000));
  it('takes a CEL timestamp', () => expect(run({ at: 'timestamp("2026-01-05T02:00:00Z") + duration("90m")' })).toBe(90 * 60_000));
  it('takes an RFC 3339 string', () => expect(run({ at: 'context.promised' })).toBe(90 * 60_000));
  it('fires at once for a time already past', () => expect(run({ at: 'now - 1000' })).toBe(0));
  it('refuses what is not a time, saying what it gave and what to give', () => {
    expect(() => run({ at: '"tomorrow"' })).toThrow(
      'it gave "tomorrow"; it must give a time: a CEL timestamp, epoch milliseconds or an RFC 3339 string like "2026-01-05T18:00:00Z"',
    );
  });
});

describe('delay', () => {
  it('reads a duration literal and an expression giving one', () => {
    expect(run({ delay: '1h30m' })).toBe(90 * 60_000);
    expect(run({ delay: '"4h"' })).toBe(4 * 3_600_000);
  });
  it('refuses a negative number of milliseconds', () => {
    expect(() => run({ delay: '0 - 5' })).toThrow('it gave -5; it must give a duration like "4h" or milliseconds (0 to 100 years)');
  });
});
