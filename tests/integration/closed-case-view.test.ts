/**
 * The state view of a completed case when no worker can answer its state Query (a Query of a
 * closed case is answered by replaying its history): the client falls back on what Temporal
 * holds without a worker. Before, that view said `completed` and nothing else (no outcome, no
 * state); now a completed case's recorded result fills in its outcome, final state, context and
 * definition hash.
 *
 * No worker at all would make the Query wait for the server's timeout (about 30 s here), so this
 * test puts a worker with code that cannot replay docket cases on the queue: the Query fails at
 * once, as it does after an upgrade that no longer replays an old history.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import type { ProcessDefinition } from '../../dsl/types';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ withWorker: false });
}, 120_000);
afterAll(() => h?.stop());

const def: ProcessDefinition = {
  process: 'closed-view',
  title: 'Closes on one event',
  roles: ['agent'],
  events: { CLOSE: { by: ['agent'], data: { type: 'object', properties: { note: { type: 'string' } } } } },
  initial: 'open',
  states: {
    open: { on: { CLOSE: { target: 'closed', assign: { note: 'event.data.note' } } } },
    closed: { type: 'final', outcome: 'closed-out' },
  },
};

it('a completed case whose Query no worker can answer still shows its outcome, final state and context', async () => {
  const id = h.caseId('closed-view');
  const docketWorker = await h.startWorker();
  const started = await h.docket.start({ definition: def, id, input: {} });
  await h.docket.waitUntilSettled(id, { state: 'open' });
  await h.docket.send(id, { type: 'CLOSE', actor: { id: 'ann', roles: ['agent'] }, data: { note: 'done by phone' } });
  expect((await h.docket.result(id)).outcome).toBe('closed-out');
  await docketWorker.stop();

  const connection = await NativeConnection.connect({ address: h.address });
  const foreign = await Worker.create({
    connection,
    namespace: h.namespace,
    taskQueue: h.taskQueue,
    workflowsPath: require.resolve('../support/unreplayable-workflows'),
  });
  const running = foreign.run();
  try {
    const view = await h.docket.state(id);
    expect(view).toMatchObject({
      status: 'completed',
      outcome: 'closed-out',
      state: ['closed'],
      context: { note: 'done by phone' },
      definitionHash: started.definitionHash,
    });
  } finally {
    foreign.shutdown();
    await running;
    await connection.close();
  }
}, 120_000);
