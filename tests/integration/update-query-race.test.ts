/**
 * Updates interleaved with queries on several cases at once, on a worker with the sticky cache on
 * (the default): every case must reach handling.working and the worker must stay up. While XState
 * used the sandbox's global timers this failed with the cache on ("legacy query response along
 * with other commands", cases in the wrong state): workflows/durable-clock.ts says why.
 */
import { startHarness, type Harness } from '../support/harness';
import { withTimings } from '../support/test-definitions';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

it('keeps the worker up while updates and queries interleave on many cases', async () => {
  const def = withTimings('complaint', {});
  const input = {
    customerId: 'c',
    customerName: 'Ma Lin',
    contact: 'ma@example.com',
    channel: 'app',
    category: { level1: 'payment' },
    description: 'double charge',
    impact: 'outage',
  };
  const until = async (id: string, state: string) => {
    const deadline = Date.now() + 30_000;
    while (!(await h.docket.state(id)).state.includes(state)) {
      if (Date.now() > deadline) throw new Error(`${id} never reached ${state}`);
    }
  };
  // Deployed once: the race under test is between Updates and Queries, not deployments.
  const [deployed] = (await h.docket.deploy([def], { deployedBy: 'race-test' })).deployed.filter((d) => d.process === 'complaint');
  const ids: string[] = [];
  for (let round = 0; round < 8; round++) {
    const batch = [0, 1, 2].map((k) => h.caseId(`race-${round}-${k}`));
    for (const id of batch) await h.docket.start({ process: 'complaint', version: deployed.hash, id, input });
    await Promise.all(
      batch.map(async (id) => {
        await until(id, 'awaiting_response');
        await h.docket.send(id, { type: 'ACCEPT', actor: { id: 'alice', roles: ['agent'] } });
        await until(id, 'handling.working');
      }),
    );
    ids.push(...batch);
  }
  const states = await Promise.all(ids.map(async (id) => (await h.docket.state(id)).state.join()));
  expect(states).toEqual(ids.map(() => 'handling.working'));
});
