import { reachableStates } from '../../../dsl/check-reachability';
import type { StateSpec } from '../../../dsl/types';

describe('reachableStates', () => {
  it('enters every region of a parallel state and the initial child of a compound one', () => {
    const root: Record<string, StateSpec> = {
      start: { on: { GO: 'work' } },
      work: {
        type: 'parallel',
        states: {
          billing: { initial: 'open', states: { open: { on: { PAID: 'paid' } }, paid: { type: 'final' }, refunded: { type: 'final' } } },
          shipping: { initial: 'packing', states: { packing: {}, shipped: {} } },
        },
      },
      orphan: {},
    };
    expect([...reachableStates(root, 'start')].sort()).toEqual(
      ['start', 'work', 'work.billing', 'work.billing.open', 'work.billing.paid', 'work.shipping', 'work.shipping.packing'].sort(),
    );
  });

  it('enters the ancestors of a deep target, and the other regions of their parallel ancestors', () => {
    const root: Record<string, StateSpec> = {
      start: { on: { GO: 'work.b.late' } },
      work: {
        type: 'parallel',
        states: {
          a: { initial: 'one', states: { one: {} } },
          b: { initial: 'early', states: { early: {}, late: {} } },
        },
      },
    };
    expect([...reachableStates(root, 'start')].sort()).toEqual(['start', 'work', 'work.a', 'work.a.one', 'work.b', 'work.b.late'].sort());
  });
});
