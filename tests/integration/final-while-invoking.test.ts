/**
 * An Update that ends the case while one of its activities is still running: the activity is
 * cancelled with its state and the case completes with the Update's outcome.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProcessDefinition } from '../../dsl/types';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let slowHook: Server;
beforeAll(async () => {
  // A webhook that answers after 3 seconds, so the notify activity is in flight when the event lands.
  slowHook = createServer((_req, res) => setTimeout(() => res.writeHead(200).end('{}'), 3000));
  await new Promise<void>((r) => slowHook.listen(0, '127.0.0.1', r));
  process.env.DOCKET_WEBHOOK_URL = `http://127.0.0.1:${(slowHook.address() as AddressInfo).port}/`;
  h = await startHarness();
});
afterAll(async () => {
  delete process.env.DOCKET_WEBHOOK_URL;
  await h?.stop();
  slowHook.closeAllConnections();
  await new Promise((r) => slowHook.close(r));
});

const def: ProcessDefinition = {
  process: 'final-while-invoking',
  title: 'Ends while an activity runs',
  roles: ['agent'],
  events: { CANCEL: { by: ['agent'] } },
  initial: 'notifying',
  states: {
    notifying: {
      invoke: { activity: 'notify', with: { to: '"someone"', subject: '"hello"' }, onDone: 'done', onError: 'done' },
      on: { CANCEL: 'cancelled' },
    },
    done: { type: 'final', outcome: 'notified' },
    cancelled: { type: 'final', outcome: 'cancelled' },
  },
};

it('completes with the outcome of an Update that arrives while an activity is running', async () => {
  const id = h.caseId('final-while-invoking');
  await h.docket.start({ definition: def, id, input: {} });
  await new Promise((r) => setTimeout(r, 800));
  const view = await h.docket.send(id, { type: 'CANCEL', actor: { id: 'a', roles: ['agent'] } });
  expect(view.state).toEqual(['cancelled']);
  expect((await h.docket.result(id)).outcome).toBe('cancelled');
});
