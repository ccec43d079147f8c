import { editDistance, suggest } from '../../../dsl/suggest';

describe('suggest', () => {
  it('finds one-letter typos, swaps and case slips', () => {
    expect(suggest('aproved', ['rejected', 'approved'])).toBe('approved');
    expect(suggest('supervsor', ['agent', 'lead', 'supervisor'])).toBe('supervisor');
    expect(suggest('aprpoved', ['approved'])).toBe('approved');
    expect(suggest('approve', ['APPROVE', 'REJECT'])).toBe('APPROVE');
  });
  it('finds a shortened name', () => {
    expect(suggest('prio', ['priority', 'category'])).toBe('priority');
  });
  it('stays quiet when nothing is close', () => {
    expect(suggest('a', ['b'])).toBeUndefined();
    expect(suggest('escalated', ['approved', 'rejected'])).toBeUndefined();
    expect(suggest('x'.repeat(10_000), ['x'.repeat(10_001)])).toBeUndefined();
  });
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
