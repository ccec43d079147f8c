/**
 * The checks on decision tables beyond one fixture per code: overlaps under `unique`, gaps, the
 * outputs of several-output tables, aggregates; and the conditions they cannot judge, which must
 * NOT be reported (no false alarms).
 */
import { loadDefinitionText } from '../../../dsl';

/** Problems of a one-state definition with these decisions (YAML under `decisions:`) and input schema. */
function problems(decisions: string, input = '', read = 'decide.d'): string[] {
  const text = `process: fixture
title: Fixture
roles: [agent]
${input}
decisions:
${decisions}
context:
  seen: ${JSON.stringify(read)}
events:
  DONE:
    by: [agent]
initial: open
states:
  open:
    on:
      DONE: closed
  closed:
    type: final
    outcome: done
`;
  return loadDefinitionText(text, 'f.yaml').diagnostics.map((d) => `${d.code} ${d.path}: ${d.message}`);
}

const table = (hit: string, ...whens: string[]) =>
  `  d:\n    hit: ${hit}\n    rules:\n${whens.map((w, i) => (w ? `      - when: '${w}'\n        then: ${i}\n` : `      - then: ${i}\n`)).join('')}`;
const list = (...whens: string[]) =>
  `  d:\n${whens.map((w, i) => (w ? `    - when: '${w}'\n      then: ${i}\n` : `    - then: ${i}\n`)).join('')}`;

describe('DECISION_OVERLAP (hit: unique)', () => {
  it('names the two rules and an input both match', () => {
    expect(problems(table('unique', 'input.amount <= 1000', 'input.amount >= 1000'))).toEqual([
      'DECISION_OVERLAP decisions.d.rules[1].when: rules 1 and 2 of decision "d" both match input.amount = 1000; its hit policy is unique, so such a case would fail with DECISION_NOT_UNIQUE; make the conditions exclusive (e.g. <= on one, > on the other) or use hit: first',
    ]);
  });

  it('finds overlaps across several inputs and text values', () => {
    const found = problems(
      table(
        'unique',
        'input.tier in ["gold", "silver"] && input.amount > 100',
        'input.tier == "silver" && input.amount < 500 && has(input.amount)',
      ),
    );
    expect(found).toEqual([expect.stringContaining('both match input.tier = "silver", input.amount = 300')]);
  });

  it('a default rule under unique overlaps every other rule', () => {
    expect(problems(table('unique', 'input.amount > 1000', ''))).toEqual([
      expect.stringContaining('DECISION_OVERLAP decisions.d.rules[1]: rules 1 and 2 of decision "d" both match input.amount = 1001'),
    ]);
  });

  it('is quiet for exclusive rules', () => {
    expect(problems(table('unique', 'input.amount <= 1000', 'input.amount > 1000'))).toEqual([]);
    expect(problems(table('unique', '1000 >= input.amount', '-5.5 < input.amount && input.amount > 1000'))).toEqual([]);
    expect(problems(table('unique', 'input.tier == "gold"', 'input.tier in ["silver", "bronze"]'))).toEqual([]);
  });

  it('whole numbers: <= 999 and >= 1000 do not overlap, and cover every integer input', () => {
    const input = 'input:\n  type: object\n  properties:\n    n: { type: integer }';
    expect(problems(table('unique', 'input.n <= 999', 'input.n >= 1000'), input)).toEqual([]);
  });

  it.each([
    ['a disjunction', 'input.amount > 5 || input.vip', 'input.amount > 3'],
    ['a negation', '!(input.amount > 5)', 'input.amount > 3'],
    ['!=', 'input.tier != "gold"', 'input.tier == "silver"'],
    ['arithmetic', 'input.amount * 2 > 10', 'input.amount > 3'],
    ['a function', 'size(input.items) > 2', 'size(input.items) > 1'],
    ['a boolean', 'input.vip', 'input.amount > 3'],
    ['two variables compared', 'input.amount > context.limit', 'input.amount > 3'],
  ])('cannot check %s, so reports nothing', (_, a, b) => {
    expect(problems(table('unique', a, b), '', 'decide.d').filter((p) => p.startsWith('DECISION_'))).toEqual([]);
  });

  it('does not judge first or collect tables for overlaps', () => {
    expect(problems(list('input.amount <= 1000', 'input.amount >= 1000', ''))).toEqual([]);
    expect(problems(table('collect', 'input.amount <= 1000', 'input.amount >= 1000'))).toEqual([]);
  });
});

describe('DECISION_GAP', () => {
  it('finds the threshold gap', () => {
    expect(problems(list('input.amount < 1000', 'input.amount > 1000'))).toEqual([
      'DECISION_GAP decisions.d: no rule of decision "d" matches input.amount = 1000, so decide.d is null there; add a rule that covers it, or end the table with a default rule (only "then")',
    ]);
  });

  it('finds a gap between bands, and below the lowest unless the input schema bounds it', () => {
    expect(problems(table('unique', 'input.amount <= 1000', 'input.amount > 2000'))).toEqual([
      expect.stringContaining('matches input.amount = 2000,'),
    ]);
    expect(problems(table('unique', 'input.amount >= 0 && input.amount <= 1000', 'input.amount > 1000'))).toEqual([
      expect.stringContaining('matches input.amount = -1,'),
    ]);
    const bounded = 'input:\n  type: object\n  properties:\n    amount: { type: number, minimum: 0 }';
    expect(problems(table('unique', 'input.amount >= 0 && input.amount <= 1000', 'input.amount > 1000'), bounded)).toEqual([]);
  });

  it('is quiet when the rules cover every value, or a default rule answers', () => {
    expect(problems(list('input.amount <= 1000', 'input.amount > 1000'))).toEqual([]);
    expect(problems(list('input.amount < 1000', ''))).toEqual([]);
    const bounded = 'input:\n  type: object\n  properties:\n    amount: { type: number, minimum: 0 }';
    expect(problems(list('input.amount >= 0'), bounded)).toEqual([]);
  });

  it('whole numbers: no gap between 999 and 1000 for an integer input, a gap for a number', () => {
    const integer = 'input:\n  type: object\n  properties:\n    n: { type: integer }';
    expect(problems(list('input.n <= 999', 'input.n >= 1000'), integer)).toEqual([]);
    expect(problems(list('input.n <= 999', 'input.n >= 1000'))).toEqual([expect.stringContaining('matches input.n = 999.5,')]);
  });

  it('text: judged against the input schema enum only', () => {
    const tiers = 'input:\n  type: object\n  properties:\n    tier: { enum: [gold, silver, bronze] }';
    expect(problems(list('input.tier == "gold"', 'input.tier == "silver"'), tiers)).toEqual([
      expect.stringContaining('no rule of decision "d" matches input.tier = "bronze",'),
    ]);
    expect(problems(list('input.tier == "gold"', 'input.tier in ["silver", "bronze"]'), tiers)).toEqual([]);
    // Without an enum the other values are endless: cannot check.
    expect(problems(list('input.tier == "gold"', 'input.tier == "silver"'))).toEqual([]);
  });

  it.each([
    ['two inputs', ['input.amount < 1000 && input.vip == "y"', 'input.amount > 1000']],
    ['a disjunction', ['input.amount < 1000 || input.amount > 2000']],
    ['a condition it cannot read', ['input.amount < 1000', 'input.amount > 1000 && size(input.items) > 0']],
    ['context read', ['context.seen < 5', 'context.seen > 5']],
  ])('cannot check a table with %s, so reports nothing', (_, whens) => {
    const found = problems(list(...whens), '', whens[0].startsWith('context') ? '1' : 'decide.d');
    expect(found.filter((p) => p.startsWith('DECISION_GAP'))).toHaveLength(whens[0].startsWith('context') ? 1 : 0);
  });

  it('does not judge tables of more than 500 rules (the checks grow with the square of the rules)', () => {
    const bands = (n: number) => Array.from({ length: n }, (_, i) => `input.amount >= ${i * 10} && input.amount < ${i * 10 + 5}`);
    expect(problems(table('unique', ...bands(500)))).toEqual([expect.stringContaining('DECISION_GAP')]);
    expect(problems(table('unique', ...bands(501)))).toEqual([]);
  });

  it('does not judge collect tables (none matching is an empty answer)', () => {
    expect(problems(table('collect', 'input.amount < 1000', 'input.amount > 1000'))).toEqual([]);
  });
});

describe('several outputs and aggregates', () => {
  const route = `  route:\n    - when: input.amount <= 1000\n      then: { approver: lead, limit: 1000 }\n    - then: { approver: supervisor, limit: 50000 }\n`;

  it('reads declared outputs, and has() may ask for any', () => {
    expect(problems(route, '', 'decide.route.approver + string(decide.route.limit)')).toEqual([]);
    expect(problems(route, '', 'has(decide.route.note) ? "noted" : ""')).toEqual([]);
  });

  it('refuses an output no rule gives', () => {
    expect(problems(route, '', 'decide.route.owner')).toEqual([
      'UNKNOWN_DECISION_OUTPUT context.seen: decision "route" has no output "owner": its rules give approver, limit; read one of those or add the field to every rule\'s then',
    ]);
  });

  it('refuses an aggregate without collect, and a non-number under sum', () => {
    expect(problems(`  d:\n    aggregate: sum\n    rules:\n      - then: 1\n`)).toEqual([
      'INVALID_VALUE decisions.d.aggregate: decision "d" has an aggregate but hit policy first; an aggregate folds the matches of a collect table: add `hit: collect` or remove aggregate',
    ]);
    expect(problems(`  d:\n    hit: collect\n    aggregate: sum\n    rules:\n      - then: 1\n      - then: two\n`)).toEqual([
      'INVALID_VALUE decisions.d.rules[1].then: rule 2 of decision "d" gives "two", but aggregate sum needs a number from every rule; give a number, or use aggregate count or none (the list of answers)',
    ]);
  });

  it('refuses an unknown hit policy with the allowed ones', () => {
    expect(problems(`  d:\n    hit: uniqe\n    rules:\n      - then: 1\n`)).toEqual([
      'INVALID_VALUE decisions.d.hit: must be "first" or "unique" or "collect", got "uniqe" (did you mean "unique"?)',
    ]);
  });
});

describe('a unique table that covers every value as a condition', () => {
  it('needs no default rule when the rules provably cover every input', () => {
    const t = `  d:\n    hit: unique\n    rules:\n      - when: input.amount <= 1000\n        then: true\n      - when: input.amount > 1000\n        then: false\n`;
    const text = `process: fixture\ntitle: Fixture\nroles: [agent]\ndecisions:\n${t}events:\n  DONE:\n    by: [agent]\ninitial: open\nstates:\n  open:\n    on:\n      DONE:\n        target: closed\n        if: decide.d\n  closed:\n    type: final\n    outcome: done\n`;
    expect(loadDefinitionText(text, 'f.yaml').diagnostics).toEqual([]);
    const gap = text.replace('input.amount > 1000', 'input.amount > 2000');
    expect(
      loadDefinitionText(gap, 'f.yaml')
        .diagnostics.map((d) => d.code)
        .sort(),
    ).toEqual(['DECISION_GAP', 'GUARD_NOT_BOOLEAN']);
  });
});

describe('compute: rules whose value is an expression', () => {
  it('are valid, and may read other decisions', () => {
    expect(
      problems(`  base:\n    - then: 100\n  d:\n    - when: input.amount > 1000\n      compute: decide.base + 25\n    - then: 0\n`),
    ).toEqual([]);
  });

  it('need then or compute, not both and not neither', () => {
    expect(problems(`  d:\n    - when: input.x > 1\n    - then: 1\n      compute: "2"\n`)).toEqual([
      'MISSING_KEY decisions.d[0]: rule 1 of decision "d" needs then (its value) or compute (an expression giving it)',
      'INVALID_VALUE decisions.d[1]: rule 2 of decision "d" has both then and compute; keep then for a fixed value or compute for an expression',
    ]);
  });

  it('are checked as expressions: unknown decisions, and cycles through compute', () => {
    expect(problems(`  d:\n    - compute: decide.bse + 1\n`)).toEqual([
      expect.stringContaining('UNKNOWN_DECISION decisions.d[0].compute: unknown decision "decide.bse"'),
    ]);
    expect(problems(`  a:\n    - compute: decide.d + 1\n  d:\n    - compute: decide.a + 1\n`)).toEqual([
      expect.stringContaining(
        'DECISION_CYCLE decisions.a[0].compute: decisions read each other in a cycle: decide.a → decide.d → decide.a',
      ),
    ]);
  });

  it('a computed answer CEL knows is not true or false is refused where the table is a condition', () => {
    const text = (compute: string) =>
      `process: fixture\ntitle: Fixture\nroles: [agent]\ndecisions:\n  d:\n    - compute: ${compute}\nevents:\n  DONE:\n    by: [agent]\ninitial: open\nstates:\n  open:\n    on:\n      DONE:\n        target: closed\n        if: decide.d\n  closed:\n    type: final\n    outcome: done\n`;
    expect(loadDefinitionText(text("'1 + 2'"), 'f.yaml').diagnostics.map((d) => `${d.code} ${d.path}: ${d.message}`)).toEqual([
      'GUARD_NOT_BOOLEAN decisions.d[0].compute: rule 1 of decision "d" computes a whole number, not true or false (decide.d is used as a condition at open.on.DONE.if)',
    ]);
    expect(loadDefinitionText(text("'input.amount > 5'"), 'f.yaml').diagnostics).toEqual([]);
    expect(loadDefinitionText(text('input.flag'), 'f.yaml').diagnostics).toEqual([]); // dyn: checked at run time
  });
});
