/**
 * `docket list --state` (ProcessClient.list({ state })) finds a case by a state in any region of a
 * parallel state, not only the first: the worker keeps `DocketStates` (every active state and its
 * ancestors, a KeywordList) beside `DocketState` (the leaves, comma-joined). Visibility is
 * eventually consistent, so the test polls until the case is listed, with a bound on the wait.
 */
import type { ProcessDefinition } from '../../dsl/types';
import { startHarness, type Harness } from '../support/harness';

const agent = { id: 'ana', roles: ['agent'] };

const twoRegions = {
  process: 'two-regions',
  title: 'Two regions',
  roles: ['agent'],
  events: { INSPECTED: { by: ['agent'] }, CHECKED: { by: ['agent'] }, CLOSE: { by: ['agent'] } },
  initial: 'work',
  states: {
    work: {
      type: 'parallel',
      on: { CLOSE: 'closed' },
      states: {
        inspection: { initial: 'inspecting', states: { inspecting: { on: { INSPECTED: 'inspected' } }, inspected: { type: 'final' } } },
        eligibility: { initial: 'checking', states: { checking: { on: { CHECKED: 'eligible' } }, eligible: { type: 'final' } } },
      },
    },
    closed: { type: 'final', outcome: 'closed' },
  },
} as unknown as ProcessDefinition;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

async function listedIds(state: string, id: string): Promise<string[]> {
  return (await h.docket.list({ process: 'two-regions', state, query: `WorkflowId = '${id}'` })).map((c) => c.id);
}

/** Polls the visibility store until `check` holds (bounded: visibility lags the workflow a little). */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const until = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`never true: ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

it('finds a case by the state of its second region, by the region itself, and by the first region', async () => {
  const id = h.caseId('regions');
  await h.docket.start({ definition: twoRegions, id, input: {} });
  await h.docket.send(id, { type: 'CHECKED', actor: agent });
  expect((await h.docket.state(id)).state).toEqual(['work.inspection.inspecting', 'work.eligibility.eligible']);

  // The second region: before DocketStates, `DocketState STARTS_WITH` never matched it.
  await eventually(async () => (await listedIds('work.eligibility.eligible', id)).includes(id), 'listed by work.eligibility.eligible');
  expect(await listedIds('work.eligibility', id)).toEqual([id]);
  expect(await listedIds('work.inspection.inspecting', id)).toEqual([id]);
  expect(await listedIds('work', id)).toEqual([id]);
  // A state the case is not in does not find it.
  expect(await listedIds('work.eligibility.checking', id)).toEqual([]);
  expect(await listedIds('closed', id)).toEqual([]);
});

it('lists only cases, whatever the raw query says: a query that closes its parenthesis cannot reach other workflows', async () => {
  const registry = `docket-registry/${h.taskQueue}`;
  // The registry workflow is in visibility (as any other application's workflow in the namespace would be).
  await eventually(async () => {
    for await (const info of h.docket.client.workflow.list({ query: `WorkflowId = '${registry}'` }))
      if (info.workflowId === registry) return true;
    return false;
  }, 'the registry listed by Temporal');
  // `WorkflowType = 'process' AND (x) OR (y)` reads as `(… AND x) OR y`: the raw query escapes the case filter.
  const escaping = `WorkflowId = 'none') OR (WorkflowId = '${registry}'`;
  expect(await h.docket.list({ query: escaping })).toEqual([]);
});
