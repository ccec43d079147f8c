import { evaluate } from '../../dsl/cel';

describe('matches() runs on RE2', () => {
  it('keeps CEL semantics: true when the pattern matches anywhere', () => {
    expect(evaluate('"abc".matches("b")', {})).toBe(true);
    expect(evaluate('"abc".matches("^b")', {})).toBe(false);
    expect(evaluate('input.code.matches("^[A-Z]{3}$")', { input: { code: 'EUR' } })).toBe(true);
    expect(evaluate('context.code.matches(input.pattern)', { input: { pattern: '^[0-9]+$' }, context: { code: '12a' } })).toBe(false);
  });

  it('answers a catastrophic pattern in linear time, from a literal or from data', () => {
    const started = Date.now();
    const text = `${'a'.repeat(50_000)}!`;
    expect(evaluate('input.text.matches("^(a+)+$")', { input: { text } })).toBe(false);
    expect(evaluate('input.text.matches(input.pattern)', { input: { text, pattern: '^(a|aa)*$' } })).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses what RE2 does not have (backreferences, lookaround) as an evaluation error', () => {
    expect(() => evaluate('"abab".matches("(ab)\\\\1")', {})).toThrow(/invalid regular expression/);
    expect(() => evaluate('"ab".matches("a(?=b)")', {})).toThrow(/RE2 syntax/);
  });
});
