/**
 * The state view while a case undoes what it did: `compensating` while its compensations run (it
 * accepts no events then), and the status it ends with once they are done. The compensation is a
 * `notify` whose webhook POST the test holds unanswered, so the case is caught mid-compensation
 * for certain; the test then answers it. And a parent cancelled from outside while its child
 * runs: the child is cancelled (not terminated), runs its own compensation, and only then does the
 * parent run its own (patched 'docket-cancel-waits-running-children').
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

describe('a parent cancelled from outside while its child runs', () => {
  const book = (need: string) => ({ caseId: 'caseId', department: '"returns"', contact: '"desk"', need: `"${need}"` });
  const child: ProcessDefinition = {
    process: 'undo-child',
    title: 'Books, then waits; undoes the booking when cancelled',
    roles: ['agent'],
    events: { DONE: { by: ['agent'] } },
    initial: 'booking',
    states: {
      booking: {
        invoke: {
          activity: 'transferCase',
          with: book('child booking'),
          compensate: { activity: 'transferCase', with: book('child undo') },
          onDone: 'waiting',
        },
      },
      waiting: { on: { DONE: 'done' } },
      done: { type: 'final', outcome: 'done' },
    },
  };
  const parent: ProcessDefinition = {
    process: 'undo-parent',
    title: 'Books, then runs the child',
    roles: ['agent'],
    initial: 'booking',
    states: {
      booking: {
        invoke: {
          activity: 'transferCase',
          with: book('parent booking'),
          compensate: { activity: 'transferCase', with: book('parent undo') },
          onDone: 'delegating',
        },
      },
      delegating: { invoke: { process: 'undo-child', onDone: 'done' } },
      done: { type: 'final', outcome: 'done' },
    },
  };

  /** Event types of a case's history, in order. */
  const eventTypes = async (id: string) =>
    (JSON.parse(await h.docket.history(id)).events as Array<{ eventType: string }>).map((e) =>
      e.eventType
        .replace(/^EVENT_TYPE_/, '')
        .toLowerCase()
        .replace(/_/g, ''),
    );
  const first = (types: string[], type: string, after = -1) => types.findIndex((t, i) => i > after && t === type.toLowerCase());

  it('cancels the child, waits for its own compensation and cancellation, then compensates itself, and ends cancelled', async () => {
    await h.docket.deploy([child, parent], { deployedBy: 'compensating-status test' });
    const id = h.caseId('undo-parent');
    await h.docket.start({ process: 'undo-parent', id, input: {} });
    const childId = `${id}/undo-child-1`;
    for (;;) {
      const view = await h.docket.state(childId).catch(() => undefined);
      if (view?.state.includes('waiting')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const handle = h.docket.client.workflow.getHandle(id);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect((await h.docket.client.workflow.getHandle(childId).describe()).status.name).toBe('CANCELLED');

    // The child undid its booking before it ended cancelled: two transferCase activities completed, then the close.
    const childEvents = await eventTypes(childId);
    const childCancelRequested = first(childEvents, 'WorkflowExecutionCancelRequested');
    const childUndo = first(childEvents, 'ActivityTaskCompleted', childCancelRequested);
    expect(childCancelRequested).toBeGreaterThan(0);
    expect(childUndo).toBeGreaterThan(childCancelRequested);
    expect(childEvents.at(-1)).toBe('workflowexecutioncanceled');

    // The parent started its own undo only once the child's cancellation was complete.
    const parentEvents = await eventTypes(id);
    const childCancelled = first(parentEvents, 'ChildWorkflowExecutionCanceled');
    const parentUndo = first(parentEvents, 'ActivityTaskScheduled', first(parentEvents, 'WorkflowExecutionCancelRequested'));
    expect(childCancelled).toBeGreaterThan(0);
    expect(parentUndo).toBeGreaterThan(childCancelled);
    expect(parentEvents.at(-1)).toBe('workflowexecutioncanceled');

    const undone = (await h.docket.state(id)).timeline.filter((e) => e.kind === 'invoke' && e.compensates);
    expect(undone).toEqual([expect.objectContaining({ activity: 'transferCase', compensates: 'transferCase', status: 'done' })]);
  });
});
