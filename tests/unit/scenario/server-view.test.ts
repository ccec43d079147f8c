/** How a server run reads a case so that an expectation means what it means offline. */
import type { StateView } from '../../../contract/wire';
import { caseView } from '../../../scenario/server-view';

const START = Date.UTC(2026, 0, 5, 9);

function view(context: Record<string, unknown>, extra: Partial<StateView> = {}): StateView {
  return {
    workflowId: 'test-refund-1-abcd',
    process: 'refund',
    title: 'refund',
    definitionHash: 'h',
    status: 'running',
    state: ['review'],
    context,
    allowed: {},
    deadlines: [],
    timeline: [],
    ...extra,
  };
}

it('the real case id reads as test-case, also inside a longer string', () => {
  const ranFrom = Date.now() - 1_000;
  const got = caseView(view({ refundId: 'test-refund-1-abcd', child: 'test-refund-1-abcd/approval-1', other: 'C-1' }), {
    id: 'test-refund-1-abcd',
    offlineId: 'test-case',
    startMs: START,
    ranFrom,
  });
  expect(got.context).toEqual({ refundId: 'test-case', child: 'test-case/approval-1', other: 'C-1' });
});

it('times taken during the run read as the scenario start; other numbers and times stay', () => {
  const ranFrom = Date.now() - 1_000;
  const during = Date.now() - 10;
  const got = caseView(
    view({ at: during, iso: new Date(during).toISOString(), amount: 5000, before: ranFrom - 60_000, due: '2030-01-01T00:00:00Z' }),
    { id: 'x', offlineId: 'test-case', startMs: START, ranFrom },
  );
  expect(got.context).toEqual({
    at: START,
    iso: '2026-01-05T09:00:00.000Z',
    amount: 5000,
    before: ranFrom - 60_000,
    due: '2030-01-01T00:00:00Z',
  });
});

it('running child processes are pending invocations after the finished ones, which alone count as made', () => {
  const got = caseView(
    view(
      {},
      {
        timeline: [{ kind: 'invoke', at: '2026-01-05T09:00:00Z', state: 'a', activity: 'notify', status: 'done' }],
        children: [{ id: 'x/refund-approval-1', process: 'refund-approval', invokedIn: 'fulfilling.refunding' }],
      },
    ),
    { id: 'x', offlineId: 'test-case', startMs: START, ranFrom: 0 },
  );
  expect(got.invocations).toEqual([
    { name: 'notify', status: 'done' },
    { name: 'refund-approval', status: 'pending' },
  ]);
  expect(got.made).toBe(1);
});
