/** `docket state` shows the case's running children with their own state (issue 13 item 7). */
import { formatStateView } from '../../../cli/output';
import type { StateView } from '../../../contract/wire';

const view: StateView = {
  workflowId: 'C-7',
  process: 'complaint',
  title: 'Customer complaint',
  definitionHash: 'abcdef0123456789',
  status: 'running',
  state: ['refunding'],
  context: {},
  allowed: {},
  deadlines: [],
  timeline: [],
  children: [
    { id: 'C-7/refund-approval-1', process: 'refund-approval', invokedIn: 'refunding', state: ['review.lead'], status: 'running' },
    { id: 'C-7/refund-approval-2', process: 'refund-approval', invokedIn: 'refunding' },
  ],
};

it('lists each running child: id, process, its own state and status, and the state that invoked it', () => {
  const lines = formatStateView(view, new Date('2026-01-01T00:00:00Z'));
  const children = lines.slice(lines.findIndex((l) => l.startsWith('children')));
  expect(children.map((l) => l.replace(/\s+/g, ' ').trim())).toEqual([
    'children C-7/refund-approval-1 refund-approval in review.lead (running) invoked in refunding',
    'C-7/refund-approval-2 refund-approval (state not readable) invoked in refunding',
  ]);
});

it('has no children row for a case without running children', () => {
  const { children: _none, ...without } = view;
  expect(formatStateView(without).some((l) => l.startsWith('children'))).toBe(false);
});
