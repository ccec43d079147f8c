/**
 * Decision tables under each hit policy, evaluated as the workflow, `docket test` and the audit's
 * re-run evaluate them (compiler/expressions.ts → compiler/hit-policy.ts).
 */
import { caseErrorCode, inState } from '../../../compiler/case-error';
import { decideValue, evaluateIn } from '../../../compiler/expressions';
import type { DecisionRule, DecisionTable, ProcessDefinition } from '../../../dsl/types';

function def(decisions: Record<string, DecisionRule[] | DecisionTable>): ProcessDefinition {
  return { process: 'p', title: 'P', roles: ['agent'], initial: 'open', states: { open: { type: 'final', outcome: 'done' } }, decisions };
}
const vars = (input: Record<string, unknown>) => ({ input, context: {}, event: {}, now: 0, caseId: 'c' });

const surcharges: DecisionRule[] = [
  { when: 'input.amount > 1000', then: 50 },
  { when: 'input.express', then: 20 },
  { when: 'input.country != "CN"', then: 30 },
];

describe('hit policies', () => {
  it('first (the short form): the first matching rule, null when none', () => {
    const d = def({
      tier: [
        { when: 'input.amount > 1000', then: 'high' },
        { when: 'input.amount > 10', then: 'mid' },
      ],
    });
    expect(decideValue(d, 'tier', vars({ amount: 5000 }))).toBe('high');
    expect(decideValue(d, 'tier', vars({ amount: 50 }))).toBe('mid');
    expect(decideValue(d, 'tier', vars({ amount: 5 }))).toBeNull();
  });

  it('first in the long form means the same as the short form', () => {
    const rules: DecisionRule[] = [{ when: 'input.amount > 1000', then: 'high' }, { then: 'low' }];
    for (const amount of [1, 1000, 1001]) {
      expect(decideValue(def({ t: { hit: 'first', rules } }), 't', vars({ amount }))).toBe(
        decideValue(def({ t: rules }), 't', vars({ amount })),
      );
      expect(decideValue(def({ t: { rules } }), 't', vars({ amount }))).toBe(decideValue(def({ t: rules }), 't', vars({ amount })));
    }
  });

  it('unique: the one matching rule, null when none, DECISION_NOT_UNIQUE when two match', () => {
    const d = def({
      approver: {
        hit: 'unique',
        rules: [
          { when: 'input.amount <= 1000', then: 'lead' },
          { when: 'input.amount >= 1000', then: 'supervisor' },
        ],
      },
    });
    expect(decideValue(d, 'approver', vars({ amount: 10 }))).toBe('lead');
    expect(decideValue(d, 'approver', vars({ amount: 2000 }))).toBe('supervisor');
    const partial = def({ approver: { hit: 'unique', rules: [{ when: 'input.amount > 1000', then: 'supervisor' }] } });
    expect(decideValue(partial, 'approver', vars({ amount: 10 }))).toBeNull();
    let thrown: unknown;
    try {
      inState('approving', 'the condition of on.DONE', () => decideValue(d, 'approver', vars({ amount: 1000 })));
    } catch (err) {
      thrown = err;
    }
    expect(caseErrorCode(thrown)).toBe('DECISION_NOT_UNIQUE');
    expect((thrown as Error).message).toBe(
      'state approving, the condition of on.DONE: decision "approver" has hit policy unique, but rules 1 and 2 all match; make their conditions exclusive (docket validate reports overlaps it can prove), or use hit: first',
    );
  });

  it('collect without an aggregate: the list of matching answers in table order', () => {
    const d = def({ fees: { hit: 'collect', rules: surcharges } });
    expect(decideValue(d, 'fees', vars({ amount: 2000, express: true, country: 'DE' }))).toEqual([50, 20, 30]);
    expect(decideValue(d, 'fees', vars({ amount: 10, express: false, country: 'CN' }))).toEqual([]);
  });

  it.each([
    ['sum', { amount: 2000, express: true, country: 'DE' }, 100],
    ['sum', { amount: 1, express: false, country: 'CN' }, 0],
    ['count', { amount: 2000, express: false, country: 'DE' }, 2],
    ['count', { amount: 1, express: false, country: 'CN' }, 0],
    ['min', { amount: 2000, express: true, country: 'CN' }, 20],
    ['max', { amount: 1, express: true, country: 'DE' }, 30],
    ['min', { amount: 1, express: false, country: 'CN' }, null],
    ['max', { amount: 1, express: false, country: 'CN' }, null],
  ] as const)('collect with %s of %j gives %j', (aggregate, input, expected) => {
    const d = def({ fees: { hit: 'collect', aggregate, rules: surcharges } });
    expect(decideValue(d, 'fees', vars(input))).toEqual(expected);
  });

  it('several outputs per rule are read as decide.<name>.<field>', () => {
    const d = def({
      route: [
        { when: 'input.amount <= 1000', then: { approver: 'lead', limit: 1000 } },
        { then: { approver: 'supervisor', limit: 50000 } },
      ],
    });
    const scope = (amount: number) => ({ input: { amount }, context: {}, now: 0 });
    expect(evaluateIn(d, 'decide.route.approver', scope(500))).toBe('lead');
    expect(evaluateIn(d, 'decide.route.limit - input.amount', scope(3000))).toBe(47000);
  });

  it('decisions read other decisions, of any hit policy, in when', () => {
    const d = def({
      fee: { hit: 'collect', aggregate: 'sum', rules: surcharges },
      band: {
        hit: 'unique',
        rules: [
          { when: 'decide.fee >= 50', then: 'review' },
          { when: 'decide.fee < 50', then: 'auto' },
        ],
      },
      route: [{ when: 'decide.band == "review"', then: { approver: 'lead' } }, { then: { approver: 'none' } }],
    });
    const scope = (input: Record<string, unknown>) => ({ input, context: {}, now: 0 });
    expect(evaluateIn(d, 'decide.route.approver', scope({ amount: 2000, express: false, country: 'CN' }))).toBe('lead');
    expect(evaluateIn(d, 'decide.route.approver', scope({ amount: 10, express: true, country: 'CN' }))).toBe('none');
  });

  it('compute: a rule whose value is an expression, reading other decisions', () => {
    const d = def({
      fee: { hit: 'collect', aggregate: 'sum', rules: surcharges },
      total: [{ when: 'decide.fee > 0', compute: 'input.amount + decide.fee' }, { compute: 'input.amount' }],
      limits: { hit: 'collect', aggregate: 'max', rules: [{ compute: 'input.amount * 2' }, { when: 'input.express', then: 5000 }] },
    });
    expect(decideValue(d, 'total', vars({ amount: 2000, express: true, country: 'CN' }))).toBe(2070);
    expect(decideValue(d, 'total', vars({ amount: 100, express: false, country: 'CN' }))).toBe(100);
    expect(decideValue(d, 'limits', vars({ amount: 100, express: true }))).toBe(5000);
    expect(decideValue(d, 'limits', vars({ amount: 4000, express: true }))).toBe(8000);
  });

  it('computes only the value of the rule that answers', () => {
    // The second rule's compute would fail (no such key); under first it is never evaluated.
    const d = def({ t: [{ then: 1 }, { compute: 'input.missing.key' }] });
    expect(decideValue(d, 't', vars({}))).toBe(1);
  });
});
