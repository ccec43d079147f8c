/**
 * The state view while a case undoes what it did: `compensating` while its compensations run (it
 * accepts no events then), and the status it ends with once they are done. The compensation is a
 * `notify` whose webhook POST the test holds unanswered, so the case is caught mid-compensation
 * for certain; the test then answers it.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProcessDefinition } from '../../dsl/types';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let hook: Server;
/** Webhook requests held unanswered until `release()`; after it, requests are answered at once. */
const held: ServerResponse[] = [];
let released = false;
let requestArrived: () => void;
const arrived = new Promise<void>((resolve) => (requestArrived = resolve));
const release = () => {
  released = true;
  for (const res of held.splice(0)) res.writeHead(200).end('{}');
};
beforeAll(async () => {
  hook = createServer((_req, res) => {
    if (released) return void res.writeHead(200).end('{}');
    held.push(res);
    requestArrived();
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  process.env.DOCKET_WEBHOOK_URL = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`;
  h = await startHarness();
});
afterAll(async () => {
  delete process.env.DOCKET_WEBHOOK_URL;
  release();
  await h?.stop();
  hook.closeAllConnections();
  await new Promise((r) => hook.close(r));
});

const agent = { id: 'ann', roles: ['agent'] };
const def: ProcessDefinition = {
  process: 'compensating-status',
  title: 'Undoes a booking when withdrawn',
  roles: ['agent'],
  events: { WITHDRAW: { by: ['agent'] }, CLOSE: { by: ['agent'] } },
  on: { WITHDRAW: 'withdrawn' },
  initial: 'booking',
  states: {
    booking: {
      invoke: {
        activity: 'transferCase',
        with: { caseId: 'caseId', department: '"returns"', contact: '"desk"', need: '"collect the unit"' },
        compensate: { activity: 'notify', with: { to: '"desk"', subject: '"collection cancelled"' } },
        onDone: 'booked',
      },
    },
    booked: { on: { CLOSE: 'closed' } },
    closed: { type: 'final', outcome: 'closed' },
    withdrawn: { type: 'final', outcome: 'withdrawn', compensate: true },
  },
};

it('says compensating while the compensation runs, refuses events then, and completed once it is done', async () => {
  const id = h.caseId('compensating');
  await h.docket.start({ definition: def, id, input: {} });
  for (let view = await h.docket.state(id); !view.state.includes('booked'); view = await h.docket.state(id)) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const withdrawn = await h.docket.send(id, { type: 'WITHDRAW', actor: agent });
  expect(withdrawn.state).toEqual(['withdrawn']);
  // The answer to the event that ends the case says so too: it is not completed before the undo.
  expect(withdrawn).toMatchObject({ status: 'compensating', allowed: {} });
  expect(withdrawn.outcome).toBeUndefined();
  // The compensation's POST has reached the webhook, which holds it: the compensation is running.
  await arrived;
  const during = await h.docket.state(id);
  expect(during.status).toBe('compensating');
  expect(during.outcome).toBeUndefined();
  expect(during.allowed).toEqual({});
  await expect(h.docket.send(id, { type: 'CLOSE', actor: agent })).rejects.toMatchObject({ code: 'CASE_CLOSED' });

  release();
  expect((await h.docket.result(id)).outcome).toBe('withdrawn');
  const after = await h.docket.state(id);
  expect(after.status).toBe('completed');
  expect(after.timeline.filter((e) => e.kind === 'invoke' && e.compensates)).toEqual([
    expect.objectContaining({ activity: 'notify', compensates: 'transferCase', status: 'done' }),
  ]);
});
