/**
 * A case whose timer starts an invocation keeps going across continue-as-new. The run continues
 * as new when its history is long and no invocation is in flight; a timer's firing reaches XState
 * a few promise callbacks after the SDK resolves it, so the check must hold when the snapshot is
 * taken, not only when the condition was tested. Before that (the CI failure of 2026-12-03 in
 * complaint-monitor.test.ts), a run whose history crossed the limit on a timer's workflow task
 * continued as new in `working` with the invocation just started, and the next run sat there for
 * good: 17 of 20 such cases on the dev server. On the time-skipping server (virtual time: no
 * real-time waits), with limits 20 to 31, each case must tick and continue again and again.
 */
import type { ProcessDefinition } from '../../dsl/types';
import { startTimeSkippingHarness, type TimeSkippingHarness } from '../support/time-skipping-harness';

let h: TimeSkippingHarness;
beforeAll(async () => {
  h = await startTimeSkippingHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** Every minute: notify (an invocation started by the timer), then wait again. */
const ticker: ProcessDefinition = {
  process: 'ticker',
  title: 'Ticks every minute',
  roles: ['system'],
  context: { ticks: '0' },
  initial: 'waiting',
  states: {
    waiting: { after: [{ name: 'tick', delay: '1m', target: 'working' }] },
    working: {
      invoke: {
        activity: 'notify',
        with: { to: '"nobody"', subject: '"tick " + string(context.ticks)' },
        onDone: { target: 'waiting', assign: { ticks: 'context.ticks + 1' } },
      },
    },
  },
} as ProcessDefinition;

it('ticks on across continue-as-new when the history crosses its limit on a timer', async () => {
  const { deployed } = await h.docket.deploy([ticker], { deployedBy: 'continue-as-new-timers' });
  const version = deployed[0].hash;
  const limits = Array.from({ length: 12 }, (_, i) => 20 + i);
  const ids = limits.map((limit) => h.caseId(`ticker-${limit}`));
  for (const [i, id] of ids.entries()) {
    await h.docket.start({ process: 'ticker', version, id, input: {}, continueAsNewAfter: limits[i] });
  }
  // A case stuck with an activity scheduled by a run that then continued as new holds virtual
  // time (the test server waits for that activity): then the skip never returns. After 90 s
  // of real time, report the cases as they stand instead of waiting for Jest's timeout.
  const skipped = await Promise.race([
    h.skip('40m').then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 90_000).unref()),
  ]);

  const cases = await Promise.all(ids.map(async (id) => ({ id, view: await h.docket.state(id) })));
  const stalled = cases
    .filter(({ view }) => Number(view.context.ticks) < 20 || view.timeline.filter((e) => e.kind === 'continued').length < 3)
    .map(({ id, view }) => `${id}: ${view.state.join(',')}, ${String(view.context.ticks)} ticks`);
  expect({ skipped, stalled }).toEqual({ skipped: true, stalled: [] });
  for (const id of ids) await h.env.client.workflow.getHandle(id).terminate('test done');
});
