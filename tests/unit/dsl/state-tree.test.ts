import { resolveTarget } from '../../../dsl/state-tree';
import type { StateSpec } from '../../../dsl/types';

/**
 *   intake
 *   review            (compound)
 *     agent_review
 *     approved        (shadows the top-level `approved` for states inside review)
 *     lead
 *       waiting
 *   approved
 *   rejected
 */
const root: Record<string, StateSpec> = {
  intake: {},
  review: {
    initial: 'agent_review',
    states: {
      agent_review: {},
      approved: {},
      lead: { initial: 'waiting', states: { waiting: {} } },
    },
  },
  approved: { type: 'final' },
  rejected: { type: 'final' },
};

describe('resolveTarget (the rule shared by validator and compiler)', () => {
  it('finds a sibling first', () => {
    expect(resolveTarget(['review', 'agent_review'], 'approved', root)).toEqual(['review', 'approved']);
  });
  it("goes up to an ancestor's siblings", () => {
    expect(resolveTarget(['review', 'lead', 'waiting'], 'agent_review', root)).toEqual(['review', 'agent_review']);
    expect(resolveTarget(['review', 'lead', 'waiting'], 'approved', root)).toEqual(['review', 'approved']);
  });
  it('ends at the top-level states', () => {
    expect(resolveTarget(['review', 'lead', 'waiting'], 'rejected', root)).toEqual(['rejected']);
    expect(resolveTarget(['intake'], 'approved', root)).toEqual(['approved']);
  });
  it('reads a dotted target as a path from the root', () => {
    expect(resolveTarget(['intake'], 'review.lead.waiting', root)).toEqual(['review', 'lead', 'waiting']);
    expect(resolveTarget(['review', 'agent_review'], 'approved', root)).not.toEqual(['approved']);
    expect(resolveTarget(['intake'], 'review.missing', root)).toBeUndefined();
  });
  it('does not reach into children by bare name', () => {
    expect(resolveTarget(['intake'], 'waiting', root)).toBeUndefined();
    expect(resolveTarget(['review'], 'agent_review', root)).toBeUndefined();
  });
  it('does not mistake Object.prototype members for states', () => {
    expect(resolveTarget(['intake'], 'constructor', root)).toBeUndefined();
    expect(resolveTarget(['intake'], 'toString', root)).toBeUndefined();
  });
});
