/**
 * The cross-case monitor (definitions/complaint-monitor.yaml, version 2) on a real server, at ten
 * times the volume the event-per-complaint monitor was tested with: real complaint cases start,
 * the monitor reads their counts and categories from visibility on its timer, and the volume rule
 * and the in-a-row rule each fire exactly where the rules say. The dev server's visibility is
 * eventually consistent, so every check waits for a condition on the monitor's state.
 */
import { listOutbox } from '../../activities';
import type { StateView } from '../../client';
import { startHarness, type Harness } from '../support/harness';
import { withTimings } from '../support/test-definitions';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** The monitor checks every second and waits 1 s for visibility (the shipped one: 5 m and 30 s). */
const monitorDefinition = () => withTimings('complaint-monitor', { checkEvery: '1s', settleTime: '1s' });

/** Deploys a complaint that makes sure `monitorId` runs; returns a function starting one complaint of a category. */
async function complaintsFor(monitorId: string): Promise<(category: string) => Promise<string>> {
  const result = await h.docket.deploy([withTimings('complaint', { monitorId })], { deployedBy: 'monitor-test' });
  const version = result.deployed.find((d) => d.process === 'complaint')!.hash;
  let n = 0;
  return async (category) => {
    // Zero-padded: two complaints started within one millisecond are ordered by id, as the monitor orders them.
    const id = `${monitorId}-c${String(++n).padStart(4, '0')}`;
    await h.docket.start({
      process: 'complaint',
      version,
      id,
      waitForStartMs: 0,
      input: {
        customerId: `c-${n}`,
        customerName: 'Wu Fei',
        contact: 'wu@example.com',
        channel: 'app',
        category: { level1: category },
        description: 'Load test',
      },
    });
    return id;
  };
}

/** Waits (90 s at most: under Jest's 120 s, so a stuck monitor is reported with its state) for `ok`. */
async function monitorWhen(id: string, what: string, ok: (context: Record<string, unknown>) => boolean): Promise<StateView> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const view = await h.docket.state(id).catch(() => undefined);
    if (view && view.state.includes('monitoring.waiting') && ok(view.context)) return view;
    if (Date.now() > deadline)
      throw new Error(
        `monitor ${id} never reached: ${what}; last state ${JSON.stringify(view?.state)}, context ${JSON.stringify(view?.context)}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

const filler = ['payment', 'logistics_delay', 'product_issue', 'service_attitude'];

it('opens a level-3 response once, at the 61st complaint of a day whose window averages 40', async () => {
  const monitorId = h.caseId('monitor-volume');
  // The window of three days of 40 (10x the former test's 4): 60 is 1.5x the average, the 61st exceeds it.
  await h.docket.start({ definition: monitorDefinition(), id: monitorId, input: { pastDays: [40, 40, 40] } });
  const start = await complaintsFor(monitorId);
  for (let i = 0; i < 60; i++) await start(filler[i % 4]);
  expect((await monitorWhen(monitorId, 'today = 60', (c) => c.today === 60)).context).toMatchObject({
    level3Count: 0,
    pastDays: [40, 40, 40],
  });
  await start('payment');
  const fired = await monitorWhen(monitorId, 'today = 61', (c) => c.today === 61);
  expect(fired.context).toMatchObject({ level3Count: 1, level3Day: Math.floor(Date.now() / 86_400_000) });
  for (let i = 0; i < 19; i++) await start(filler[i % 4]);
  expect((await monitorWhen(monitorId, 'today = 80', (c) => c.today === 80)).context).toMatchObject({ level3Count: 1 });
  expect(listOutbox({ workflowId: monitorId }).map((m) => m.subject)).toEqual(['Level-3 response: 61 complaints today, average 40']);
  await h.docket.client.workflow.getHandle(monitorId).terminate('test done');
});

it('raises one early warning per run of five or more of a category, in start order, among 130 complaints', async () => {
  const monitorId = h.caseId('monitor-streak');
  await h.docket.start({ definition: monitorDefinition(), id: monitorId, input: {} });
  await monitorWhen(monitorId, 'a first check', (c) => Number(c.checks) >= 1);
  const start = await complaintsFor(monitorId);
  const sequence: string[] = [];
  const fill = (n: number) => {
    for (let i = 0; i < n; i++) sequence.push(filler[sequence.length % 4]);
  };
  const run = (category: string, n: number) => sequence.push(...Array<string>(n).fill(category));
  fill(30);
  run('privacy', 4); // four: no warning
  fill(10);
  run('privacy', 7); // one warning, not three
  fill(20);
  run('system_error', 5); // exactly five: one warning
  run('privacy', 1);
  run('system_error', 12); // a new run after the break: warned again, once
  fill(130 - sequence.length);
  expect(sequence).toHaveLength(130);
  for (const category of sequence) await start(category);

  const view = await monitorWhen(monitorId, 'all 130 folded', (c) => c.received === 130 && (c.warnings as unknown[]).length === 0);
  expect(view.context).toMatchObject({ warningCount: 3, received: 130 });
  const subjects = listOutbox({ workflowId: monitorId }).map((m) => m.subject);
  expect(subjects).toHaveLength(3);
  // The count is the run's length when the check saw it: at least five, at most the whole run.
  const seen = subjects.map((s) => /^Early warning: (\d+) (\w+) complaints in a row$/.exec(s)!.slice(1));
  expect(seen.map(([, category]) => category)).toEqual(['privacy', 'system_error', 'system_error']);
  const [privacy, five, twelve] = seen.map(([count]) => Number(count));
  expect(privacy).toBeGreaterThanOrEqual(5);
  expect(privacy).toBeLessThanOrEqual(7);
  expect(five).toBe(5);
  expect(twelve).toBeGreaterThanOrEqual(5);
  expect(twelve).toBeLessThanOrEqual(12);
  await h.docket.client.workflow.getHandle(monitorId).terminate('test done');
});

it('continues as new on its timer alone and keeps the window and the day', async () => {
  const monitorId = h.caseId('monitor-can');
  await h.docket.start({ definition: monitorDefinition(), id: monitorId, input: { pastDays: [7, 9] }, continueAsNewAfter: 40 });
  const view = await monitorWhen(monitorId, 'a continued run', (c) => Number(c.checks) >= 1);
  let runs: string[] = [];
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
    runs = [];
    for await (const info of h.docket.client.workflow.list({ query: `WorkflowId = '${monitorId}'` })) runs.push(info.status.name);
    if (runs.includes('CONTINUED_AS_NEW')) break;
  }
  if (!runs.includes('CONTINUED_AS_NEW')) {
    const stuck = await h.docket.state(monitorId);
    throw new Error(`monitor ${monitorId} did not continue as new in 60 s: runs ${runs.join(', ')}; state ${stuck.state.join(', ')}`);
  }
  const after = await monitorWhen(monitorId, 'a check after continue-as-new', (c) => Number(c.checks) > Number(view.context.checks));
  expect(after.context).toMatchObject({ pastDays: [7, 9], day: view.context.day });
  expect(after.timeline.some((e) => e.kind === 'continued')).toBe(true);
  await h.docket.client.workflow.getHandle(monitorId).terminate('test done');
}, 250_000); // its three waits (90 s, 60 s, 90 s) each report a stuck monitor before Jest's timeout

it('is started by the first complaint, and later complaints send it nothing', async () => {
  const monitorId = h.caseId('monitor-intake');
  const start = await complaintsFor(monitorId);
  const first = await start('privacy');
  const view = await monitorWhen(monitorId, 'a first check', (c) => Number(c.checks) >= 1);
  // It counts every complaint started today on this task queue, the earlier tests' too.
  expect(Number(view.context.today)).toBeGreaterThanOrEqual(1);
  const second = await start('privacy');
  const intakeOf = async (id: string) => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      const entry = (await h.docket.state(id)).timeline.find(
        (e) => e.kind === 'invoke' && e.activity === 'startProcess' && e.status === 'done',
      );
      if (entry) return entry;
    }
    throw new Error(`${id} never finished its intake`);
  };
  const [a, b] = [await intakeOf(first), await intakeOf(second)];
  expect((a as { output?: unknown }).output).toEqual((b as { output?: unknown }).output);
  // The monitor's own timeline has no event from either complaint: only its timer and its own invocations moved it.
  const sent = (await h.docket.state(monitorId)).timeline.filter((e) => (e.kind === 'transition' && e.actor) || e.kind === 'rejected');
  expect(sent).toEqual([]);
  await h.docket.client.workflow.getHandle(monitorId).terminate('test done');
});
