import { checkExpression, evaluate, decisionReferences } from '../../dsl/cel';
import { parseDuration, isDurationLiteral, formatDuration, formatSpan } from '../../dsl/duration';

describe('CEL expressions', () => {
  it('treats whole JSON numbers as ints so counters can be incremented', () => {
    expect(evaluate('context.count + 1', { context: { count: 2 } })).toBe(3);
  });
  it('compares a fractional amount with an int threshold', () => {
    expect(evaluate('input.amount <= 1000', { input: { amount: 1000 } })).toBe(true);
    expect(evaluate('input.amount <= 1000', { input: { amount: 1000.01 } })).toBe(false);
  });
  it('reports unknown variables and syntax errors with an offset', () => {
    expect(checkExpression('foo.bar')).toEqual({ message: 'Unknown variable: foo', offset: 0 });
    expect(checkExpression('input.a +')?.message).toMatch(/Unexpected token/);
  });
  it('offers sum, avg and last for rolling windows', () => {
    expect(evaluate('sum(context.days)', { context: { days: [4, 6, 8] } })).toBe(18);
    expect(evaluate('avg(context.days)', { context: { days: [4, 6, 8] } })).toBe(6);
    expect(evaluate('avg(context.days)', { context: { days: [] } })).toBe(0);
    expect(evaluate('last(context.days + [10], 3)', { context: { days: [4, 6, 8] } })).toEqual([6, 8, 10]);
  });

  it('lists the decisions an expression reads', () => {
    expect(decisionReferences('decide.priority == "P0" || decide.tier == 1')).toEqual(['priority', 'tier']);
    expect(decisionReferences('last(context.seen, decide.window) + [decide.x]')).toEqual(['window', 'x']);
  });
});

describe('durations', () => {
  it('parses literals and rejects expressions', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(isDurationLiteral('decide.deadline')).toBe(false);
    expect(formatDuration(5_400_000)).toBe('1h30m');
  });
});

describe('formatSpan (durations for people)', () => {
  it('shows the two largest units, dropping a zero second one', () => {
    expect([
      formatSpan(3 * 86_400_000 + 4 * 3_600_000 + 5_000),
      formatSpan(3_599_000),
      formatSpan(725_000),
      formatSpan(45_400),
      formatSpan(7_200_000),
      formatSpan(-5),
    ]).toEqual(['3d 4h', '59m 59s', '12m 5s', '45s', '2h', '0s']);
  });
  it('keeps fractions under a minute when precise (the audit)', () => {
    expect([formatSpan(350, true), formatSpan(4_240, true), formatSpan(59_960, true), formatSpan(61_000, true)]).toEqual([
      '350ms',
      '4.2s',
      '60.0s',
      '1m 1s',
    ]);
  });
});
