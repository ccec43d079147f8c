/**
 * Many cases on one worker with the sticky cache on (the default), each cancelling and re-arming
 * deadlines while the others do the same: every case must take its own path, and every history
 * must replay. While XState used the sandbox's global setTimeout/clearTimeout, one case's
 * clearTimeout could cancel another case's timer (workflows/durable-clock.ts).
 */
import { Worker } from '@temporalio/worker';
import type { EventInput, StateView } from '../../contract/wire';
import { startHarness, type Harness } from '../support/harness';
import { withTimings } from '../support/test-definitions';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const CASES_PER_PATH = 8;
const input = {
  customerId: 'c',
  customerName: 'Ma Lin',
  contact: 'ma@example.com',
  channel: 'app',
  category: { level1: 'payment' },
  description: 'double charge',
  impact: 'ordinary',
};
const agent = { id: 'alice', roles: ['agent'] };
const lead = { id: 'li', roles: ['lead'] };
const customer = { id: 'c', roles: ['customer'] };

/** Polls the state Query until `ready` holds (the deadlines here are 1 s, or 1 h and cancelled). */
async function until(id: string, ready: (v: StateView) => boolean, what: string): Promise<StateView> {
  const give_up = Date.now() + 60_000;
  for (;;) {
    const view = await h.docket.state(id);
    if (ready(view)) return view;
    if ((view.status !== 'running' && view.status !== 'starting') || Date.now() > give_up)
      throw new Error(`${id} never reached ${what}: ${view.status} in ${view.state.join()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const inState = (state: string) => (v: StateView) => v.state.includes(state);

async function send(id: string, type: string, actor: EventInput['actor'], data?: Record<string, unknown>): Promise<void> {
  await h.docket.send(id, { type, actor, data });
}

/** accept in time (response deadline cancelled) → resolve → 1 s confirmation → confirm → 1 s survey → score. */
async function followUps(id: string): Promise<void> {
  await until(id, inState('resolved.confirmation_call'), 'the confirmation call');
  await send(id, 'CONFIRM_SOLVED', customer);
  await until(id, inState('resolved.satisfaction_call'), 'the satisfaction call');
  await send(id, 'SATISFACTION', customer, { score: 5 });
}

const paths: Record<string, { timings: Record<string, string>; run(id: string): Promise<void>; events: string[] }> = {
  accepted: {
    timings: { responseDeadline: '1h', confirmAfter: '1s', satisfactionAfter: '1s', followUpWindow: '1h' },
    async run(id) {
      await until(id, inState('awaiting_response'), 'awaiting_response');
      await send(id, 'ACCEPT', agent);
      await until(id, inState('handling.working'), 'handling');
      await send(id, 'RESOLVE', agent, { resolution: 'refunded the double charge' });
      await followUps(id);
    },
    events: [
      'invoke.done',
      'ACCEPT',
      'invoke.done',
      'RESOLVE',
      'after:3-day confirmation',
      'CONFIRM_SOLVED',
      'invoke.done',
      'after:7-day satisfaction survey',
      'SATISFACTION',
      'invoke.done',
    ],
  },
  escalated: {
    // The agent's 1 s deadline fires; the lead's 1 h deadline is armed, then cancelled by ACCEPT.
    timings: { responseDeadline: '1s', levelDeadline: '1h', confirmAfter: '1s', satisfactionAfter: '1s', followUpWindow: '1h' },
    async run(id) {
      await until(id, (v) => v.state.includes('awaiting_response') && v.context.heldBy === 'lead', 'the lead');
      await send(id, 'ACCEPT', lead);
      await until(id, inState('handling.working'), 'handling');
      await send(id, 'RESOLVE', lead, { resolution: 'refunded the double charge' });
      await followUps(id);
    },
    events: [
      'invoke.done',
      'after:response deadline',
      'invoke.done',
      'ACCEPT',
      'invoke.done',
      'RESOLVE',
      'after:3-day confirmation',
      'CONFIRM_SOLVED',
      'invoke.done',
      'after:7-day satisfaction survey',
      'SATISFACTION',
      'invoke.done',
    ],
  },
  reopened: {
    // NOT_SOLVED cancels the confirmation window; handling re-arms its resolution target, RESOLVE cancels it again.
    timings: { responseDeadline: '1h', confirmAfter: '1s', satisfactionAfter: '1s', followUpWindow: '1h' },
    async run(id) {
      await until(id, inState('awaiting_response'), 'awaiting_response');
      await send(id, 'ACCEPT', agent);
      await until(id, inState('handling.working'), 'handling');
      await send(id, 'RESOLVE', agent, { resolution: 'first try' });
      await until(id, inState('resolved.confirmation_call'), 'the confirmation call');
      await send(id, 'NOT_SOLVED', customer, { reason: 'still charged twice' });
      await until(id, inState('handling.working'), 'handling again');
      await send(id, 'RESOLVE', agent, { resolution: 'second try' });
      await followUps(id);
    },
    events: [
      'invoke.done',
      'ACCEPT',
      'invoke.done',
      'RESOLVE',
      'after:3-day confirmation',
      'NOT_SOLVED',
      'invoke.done',
      'RESOLVE',
      'after:3-day confirmation',
      'CONFIRM_SOLVED',
      'invoke.done',
      'after:7-day satisfaction survey',
      'SATISFACTION',
      'invoke.done',
    ],
  },
};

it('keeps each case on its own path when many cases cancel and re-arm deadlines on one cached worker, and every history replays', async () => {
  // Each timing variant is deployed once (by its first case); the other cases start by its hash.
  const hashes: Record<string, string> = {};
  for (const [name, path] of Object.entries(paths)) {
    const started = await h.docket.start({
      definition: withTimings('complaint', path.timings),
      id: h.caseId(`timers-${name}-0`),
      input,
      waitForStartMs: 0,
    });
    hashes[name] = started.definitionHash;
  }
  const cases = Object.keys(paths).flatMap((name) =>
    Array.from({ length: CASES_PER_PATH }, (_, i) => ({ name, i, id: h.caseId(`timers-${name}-${i}`) })),
  );
  await Promise.all(
    cases.map(async ({ name, i, id }) => {
      if (i > 0) await h.docket.start({ process: 'complaint', version: hashes[name], id, input, waitForStartMs: 0 });
      await paths[name].run(id);
    }),
  );

  const results = await Promise.all(cases.map(({ id }) => h.docket.result(id)));
  const timelines = await Promise.all(cases.map(({ id }) => h.docket.timeline(id)));
  results.forEach((result, i) => {
    const { name, id } = cases[i];
    const events = timelines[i].filter((e) => e.kind === 'transition').map((e) => (e as { event: string }).event);
    expect({ id, outcome: result.outcome, events }).toEqual({ id, outcome: 'closed', events: paths[name].events });
  });

  const histories = await Promise.all(
    cases.map(async ({ id }) => ({ workflowId: id, history: await h.docket.client.workflow.getHandle(id).fetchHistory() })),
  );
  const failed: string[] = [];
  let replayed = 0;
  for await (const r of Worker.runReplayHistories(
    { workflowBundle: { codePath: h.bundlePath }, sinks: { audit: { entry: { fn: () => undefined } } } },
    histories,
  )) {
    replayed++;
    if (r.error) failed.push(`${r.workflowId}: ${r.error.message}`);
  }
  expect({ replayed, failed }).toEqual({ replayed: cases.length, failed: [] });
});
