import { evaluate } from '../../dsl/cel';

describe('matches() runs on RE2', () => {
  it('keeps CEL semantics: true when the pattern matches anywhere', () => {
    expect(evaluate('"abc".matches("b")', {})).toBe(true);
    expect(evaluate('"abc".matches("^b")', {})).toBe(false);
    expect(evaluate('input.code.matches("^[A-Z]{3}$")', { input: { code: 'EUR' } })).toBe(true);
    expect(evaluate('context.code.matches(input.pattern)', { input: { pattern: '^[0-9]+$' }, context: { code: '12a' } })).toBe(false);
  });

  // No clock: a backtracking engine does not finish these in any test's lifetime (2^50000 paths),
  // so Jest's timeout is the check; RE2 answers at once.
  it('answers a catastrophic pattern, from a literal or from data', () => {
    const text = `${'a'.repeat(50_000)}!`;
    expect(evaluate('input.text.matches("^(a+)+$")', { input: { text } })).toBe(false);
    expect(evaluate('input.text.matches(input.pattern)', { input: { text, pattern: '^(a|aa)*$' } })).toBe(false);
  });

  it('refuses what RE2 does not have (backreferences, lookaround) as an evaluation error', () => {
    expect(() => evaluate('"abab".matches("(ab)\\\\1")', {})).toThrow(/invalid regular expression/);
    expect(() => evaluate('"ab".matches("a(?=b)")', {})).toThrow(/RE2 syntax/);
  });
});
