/** The validator's rules for `after` entries: delay or at, and an at that gives a time (dsl/check-timers.ts). */
import { formatDiagnostic, validateDefinition } from '../../../dsl';

const withTimer = (timer: Record<string, unknown>) => ({
  process: 'p',
  title: 'P',
  roles: ['agent'],
  context: { callBefore: 'now + 3600000' },
  initial: 'open',
  states: { open: { after: [{ target: 'closed', ...timer }] }, closed: { type: 'final', outcome: 'done' } },
});
const problems = (timer: Record<string, unknown>) =>
  validateDefinition(withTimer(timer)).map((d) => `${d.code} ${formatDiagnostic(d).replace(/^<definition>:\d+:\d+: /, '')}`);

it('accepts a delay, or an at giving milliseconds, a timestamp or an RFC 3339 string, with either kind', () => {
  expect(problems({ kind: 'deadline', delay: '4h' })).toEqual([]);
  expect(problems({ kind: 'deadline', at: 'context.callBefore' })).toEqual([]);
  expect(problems({ kind: 'wait', at: 'timestamp("2026-01-05T02:00:00Z") + duration("24h")' })).toEqual([]);
  expect(problems({ at: '"2026-01-05T18:00:00+08:00"' })).toEqual([]);
});

it('refuses a timer with neither delay nor at', () => {
  expect(problems({ kind: 'wait' })).toEqual([
    'INVALID_TIMER states.open.after[0]: timer needs "delay" (a duration such as 4h, or an expression giving one) or "at" (an expression giving a time)',
  ]);
});

it('refuses an at that is not a time: a text that is not RFC 3339, true or false', () => {
  expect(problems({ at: '"tomorrow"' })).toEqual([
    'AT_NOT_A_TIME states.open.after[0].at: at "tomorrow" is not an RFC 3339 time; write one like "2026-01-05T18:00:00Z", or an expression giving a timestamp or epoch milliseconds',
  ]);
  expect(problems({ at: 'now > 0' })).toEqual([
    'AT_NOT_A_TIME states.open.after[0].at: at `now > 0` gives true or false, not a time; give a timestamp (`timestamp(input.promisedBy)`), epoch milliseconds (`context.callBefore`) or an RFC 3339 string',
  ]);
});

it('refuses a kind other than deadline or wait, and checks an at like any expression', () => {
  expect(problems({ kind: 'sla', delay: '4h' })).toEqual([
    'INVALID_VALUE states.open.after[0].kind: must be "deadline" or "wait", got "sla"',
  ]);
  expect(problems({ at: 'contxt.callBefore' })[0]).toMatch(/^UNKNOWN_VARIABLE states\.open\.after\[0\]\.at: /);
});
