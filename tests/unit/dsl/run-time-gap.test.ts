/**
 * The checks that close the gap between `docket validate` and run time (issue 12), beyond the one
 * fixture per code in fixtures.test.ts: each message here is what a process owner reads.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { decideValue } from '../../../compiler/expressions';
import { loadDefinitionText, type ProcessDefinition } from '../../../dsl';
import { suggestDuration } from '../../../dsl/duration';

/** A one-state-then-final definition around the given YAML lines (indented as top-level keys). */
function problems(extra: string, open = '    on:\n      DONE: closed\n'): string[] {
  const text = `process: fixture
title: Fixture
roles: [agent]
events:
  DONE:
    by: [agent]
initial: open
${extra}
states:
  open:
${open}  closed:
    type: final
    outcome: done
`;
  return loadDefinitionText(text, 'f.yaml').diagnostics.map((d) => `${d.code} ${d.path}: ${d.message}`);
}

describe('durations', () => {
  it.each([
    ['5 secs', '5s'],
    ['48hrs', '48h'],
    ['2 days', '2d'],
    ['1h 30m', '1h30m'],
    ['4H', '4h'],
    ['90 minutes', '90m'],
  ])('reads %s as %s', (text, meant) => expect(suggestDuration(text)).toBe(meant));

  it('guesses nothing for words that are not units', () => {
    expect(suggestDuration('soon')).toBeUndefined();
    expect(suggestDuration('4 fortnights')).toBeUndefined();
  });

  it('refuses a quoted string that is not a duration as a delay, with the meant literal', () => {
    expect(problems('', '    after:\n      - delay: \'"48hrs"\'\n        target: closed\n')).toEqual([
      'NOT_A_DURATION states.open.after[0].delay: delay "48hrs" is not a duration (did you mean "48h"?); write a number and a unit (ms, s, m, h, d), e.g. 4h or 1h30m',
    ]);
  });

  it('refuses a delay expression of the wrong type', () => {
    expect(problems('', '    after:\n      - delay: input.amount > 3\n        target: closed\n')).toEqual([
      'NOT_A_DURATION states.open.after[0].delay: delay `input.amount > 3` gives true or false, not a duration; give a duration like "4h" or a number of milliseconds',
    ]);
  });

  it('refuses a number in a decision used as a delay, and a table with no default rule', () => {
    const decisions = 'decisions:\n  wait:\n    - when: input.vip\n      then: 48\n    - when: input.rush\n      then: 4h\n';
    expect(problems(decisions, '    after:\n      - delay: decide.wait\n        target: closed\n')).toEqual([
      'NOT_A_DURATION decisions.wait: decision "wait" has no default rule: when no "when" holds it gives null, which is not a duration (decide.wait is used as a delay at open.after[0].delay); end the table with a rule that has only "then"',
      'BARE_NUMBER_DELAY decisions.wait[0].then: rule 1 of decision "wait" gives 48, a number with no unit (decide.wait is used as a delay at open.after[0].delay): did you mean 48s or 48h? (a number alone would be 48 milliseconds; write "48ms" if that is meant)',
    ]);
  });

  it('accepts an expression giving milliseconds', () => {
    expect(problems('', '    after:\n      - delay: input.waitSeconds * 1000\n        target: closed\n')).toEqual([]);
  });
});

describe('guards', () => {
  it('refuses a decision used as a condition that gives something else than true or false', () => {
    const decisions = 'decisions:\n  vip:\n    - when: input.amount > 1000\n      then: "yes"\n    - then: false\n';
    expect(problems(decisions, '    on:\n      DONE:\n        - if: decide.vip\n          target: closed\n')).toEqual([
      'GUARD_NOT_BOOLEAN decisions.vip[0].then: rule 1 of decision "vip" gives "yes", not true or false (decide.vip is used as a condition at open.on.DONE[0].if)',
    ]);
  });

  it('refuses a context key set to a number used as a condition', () => {
    expect(
      problems("context:\n  attempts: '0'", '    on:\n      DONE:\n        - if: context.attempts\n          target: closed\n'),
    ).toEqual([
      'GUARD_NOT_BOOLEAN states.open.on.DONE[0].if: condition `context.attempts` reads context.attempts, which is set to a whole number, not true or false; compare it',
    ]);
  });
});

describe('context keys', () => {
  it('accepts keys set by an assign and keys only tested with has()', () => {
    const open =
      "    on:\n      DONE:\n        - if: has(context.note) && context.resolution != ''\n          target: closed\n    exit:\n      - assign:\n          resolution: '\"ok\"'\n";
    expect(problems('', open)).toEqual([]);
  });

  it('refuses context in the initial context, which is computed before any key is set', () => {
    expect(problems("context:\n  a: '1'\n  b: context.a + 1")).toEqual([
      'UNKNOWN_CONTEXT_KEY context.b: the initial context cannot read context.a: it is computed before any key is set; use input, decide or now, or set the key in an entry assign',
    ]);
  });

  it('refuses a decision that reads context in the initial context', () => {
    const decisions =
      'decisions:\n  level:\n    - when: context.vip\n      then: high\n    - then: low\ncontext:\n  vip: input.vip\n  level: decide.level';
    expect(problems(decisions)).toEqual([
      'UNKNOWN_CONTEXT_KEY context.level: the initial context reads decide.level, whose rule 1 reads context, which is not set yet; compute this key in an entry assign, or make the rule read input',
    ]);
  });
});

describe('messages', () => {
  it('says how to quote an unquoted string', () => {
    const open =
      '    invoke:\n      activity: notify\n      with:\n        to: technician\n        subject: \'"hello"\'\n      onDone: closed\n';
    expect(problems('', open)).toEqual([
      `UNKNOWN_VARIABLE states.open.invoke.with.to: unknown variable "technician" in expression (expressions may use input, context, event, decide, now, caseId); if you meant the text "technician", quote it inside the YAML value: '"technician"'`,
    ]);
  });

  it('reports one error for one target typo in the shipped complaint, not the states it cuts off', () => {
    const file = join(__dirname, '..', '..', '..', 'definitions', 'complaint.yaml');
    const text = readFileSync(file, 'utf8').replace(/(ACCEPT:\n\s+target: )assigning/, '$1asigning');
    const found = loadDefinitionText(text, file).diagnostics.map((d) => `${d.code}: ${d.message}`);
    expect(found).toEqual(['UNKNOWN_TARGET: unknown state "asigning" (did you mean "assigning"?)']);
  });
});

describe('decisions reading decisions', () => {
  it('evaluates the decisions a rule reads first, at run time', () => {
    const text = `process: fixture
title: Fixture
roles: [agent]
decisions:
  limit:
    - when: input.tier == "gold"
      then: 5000
    - then: 1000
  review:
    - when: input.amount > decide.limit
      then: lead
    - then: agent
initial: open
states:
  open:
    type: final
    outcome: done
`;
    const { definition, diagnostics } = loadDefinitionText(text, 'f.yaml');
    expect(diagnostics).toEqual([]);
    const def = definition as ProcessDefinition;
    const vars = (input: Record<string, unknown>) => ({ input, context: {}, event: {}, now: 0, caseId: '' });
    expect(decideValue(def, 'review', vars({ amount: 3000, tier: 'gold' }))).toBe('agent');
    expect(decideValue(def, 'review', vars({ amount: 3000, tier: 'silver' }))).toBe('lead');
  });
});

describe('times', () => {
  it('millis() turns a timestamp or a duration into milliseconds, the unit of now', async () => {
    const { evaluate } = await import('../../../dsl/cel');
    expect(evaluate('millis(timestamp("2026-01-03T08:00:00Z"))', {})).toBe(Date.UTC(2026, 0, 3, 8));
    expect(evaluate('millis(duration("1h30m"))', {})).toBe(5_400_000);
    expect(
      evaluate('now - millis(timestamp(input.at)) > millis(duration("48h"))', {
        now: Date.UTC(2026, 0, 6),
        input: { at: '2026-01-03T08:00:00Z' },
      }),
    ).toBe(true);
  });

  it('refuses a CEL duration as a delay, saying how to wrap it', () => {
    expect(problems('', '    after:\n      - delay: duration("4h")\n        target: closed\n')).toEqual([
      'NOT_A_DURATION states.open.after[0].delay: delay `duration("4h")` gives a CEL duration, which the engine does not take as a delay; wrap it: `millis(duration("4h"))` gives milliseconds',
    ]);
    expect(problems('', '    after:\n      - delay: millis(duration("4h"))\n        target: closed\n')).toEqual([]);
  });
});

describe('CEL messages name the wrong part and the form to write', () => {
  const guard = (expr: string) =>
    problems('', `    on:\n      DONE:\n        - if: '${expr.replace(/'/g, "''")}'\n          target: closed\n`);
  it.each([
    ['input.a > 3 and input.b', '"and" is not CEL: write &&'],
    ['input.a > 3 OR input.b', '"OR" is not CEL: write ||'],
    ['input.a = 3', 'a single "=" is not a comparison: write == (expressions cannot assign; use assign: for that)'],
    ['input.a => 3', '"=>" is not CEL: write >='],
    ['input.a <> 3', '"<>" is not CEL: write !='],
    ['input.a === 3', '"===" is not CEL: compare with =='],
    ['input.a == True', '"True" is written true in CEL'],
    ['input.a +', 'the expression ends too early: something is missing after `input.a +`'],
  ])('%s', (expr, message) => {
    expect(guard(expr)).toEqual([`INVALID_EXPRESSION states.open.on.DONE[0].if: invalid expression \`${expr}\`: ${message}`]);
  });

  it('leaves words inside strings alone', () => {
    expect(guard('input.note == "this and that"')).toEqual([]);
  });
});
