/**
 * An Update that ends the case while one of its activities is still running: the activity is
 * cancelled with its state and the case completes with the Update's outcome.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProcessDefinition } from '../../dsl/types';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let slowHook: Server;
/** Requests the webhook holds unanswered: the notify activity is in flight until the test answers. */
const held: ServerResponse[] = [];
let requestArrived: () => void;
const arrived = new Promise<void>((resolve) => (requestArrived = resolve));
beforeAll(async () => {
  slowHook = createServer((_req, res) => {
    held.push(res);
    requestArrived();
  });
  await new Promise<void>((r) => slowHook.listen(0, '127.0.0.1', r));
  process.env.DOCKET_WEBHOOK_URL = `http://127.0.0.1:${(slowHook.address() as AddressInfo).port}/`;
  h = await startHarness();
});
afterAll(async () => {
  delete process.env.DOCKET_WEBHOOK_URL;
  for (const res of held) res.writeHead(200).end('{}');
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
  // The activity is running for certain once its POST has reached the webhook (which holds it).
  await arrived;
  const view = await h.docket.send(id, { type: 'CANCEL', actor: { id: 'a', roles: ['agent'] } });
  expect(view.state).toEqual(['cancelled']);
  expect((await h.docket.result(id)).outcome).toBe('cancelled');
});
