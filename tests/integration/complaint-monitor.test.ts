/**
 * The cross-case monitor (definitions/complaint-monitor.yaml) on a real server: the volume rule
 * and the 5-in-a-row rule each fire exactly once, counts survive continue-as-new, and complaint
 * intake reports to it through signal-with-start.
 */
import { join } from 'node:path';
import { listOutbox } from '../../activities';
import type { StateView } from '../../client';
import { startHarness, type Harness } from '../support/harness';
import { withTimings } from '../support/test-definitions';

const MONITOR = join(__dirname, '..', '..', 'definitions', 'complaint-monitor.yaml');
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

let seq = 0;
async function report(monitorId: string, category: string, day: number, options: { continueAsNewAfter?: number } = {}): Promise<void> {
  await h.docket.report({
    id: monitorId,
    path: MONITOR,
    continueAsNewAfter: options.continueAsNewAfter,
    event: { type: 'COMPLAINT_RECEIVED', actor: { id: 'test', roles: ['system'] }, data: { caseId: `case-${++seq}`, category, day } },
  });
}

async function settled(monitorId: string, received: number): Promise<StateView> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const view = await h.docket.state(monitorId).catch(() => undefined);
    if (view && view.context.received === received && view.state.includes('monitoring.watching')) return view;
    if (Date.now() > deadline) throw new Error(`monitor did not settle at ${received}: ${JSON.stringify(view?.context)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const categories = ['payment', 'logistics_delay', 'product_issue', 'service_attitude'];

it('opens a level-3 response once when the day exceeds 1.5x the rolling daily average', async () => {
  const id = h.caseId('monitor-volume');
  let sent = 0;
  for (const day of [100, 101, 102]) {
    for (let i = 0; i < 4; i++, sent++) await report(id, categories[i], day);
  }
  // Day 103: 6 cases is 1.5x the average of 4 (not above it); the 7th exceeds it; the 8th must not fire again.
  for (let i = 0; i < 6; i++, sent++) await report(id, categories[i % 4], 103);
  expect((await settled(id, sent)).context).toMatchObject({ level3Count: 0, today: 6, pastDays: [4, 4, 4] });
  await report(id, 'payment', 103);
  await report(id, 'privacy', 103);
  sent += 2;
  const view = await settled(id, sent);
  expect(view.context).toMatchObject({ level3Count: 1, level3Day: 103, today: 8 });
  const notices = listOutbox({ workflowId: id }).map((m) => m.subject);
  expect(notices).toEqual(['Level-3 response: 7 complaints today, average 4']);
});

it('raises an early warning once when one category arrives 5 times in a row', async () => {
  const id = h.caseId('monitor-streak');
  for (let i = 0; i < 4; i++) await report(id, 'logistics_delay', 200);
  expect((await settled(id, 4)).context.warningCount).toBe(0);
  for (let i = 0; i < 3; i++) await report(id, 'logistics_delay', 200); // 5th fires, 6th and 7th do not
  expect((await settled(id, 7)).context).toMatchObject({ warningCount: 1, streak: 7 });
  await report(id, 'payment', 200); // the run breaks; a new run of five warns again
  for (let i = 0; i < 5; i++) await report(id, 'logistics_delay', 200);
  expect((await settled(id, 13)).context).toMatchObject({ warningCount: 2, streak: 5 });
  expect(listOutbox({ workflowId: id }).map((m) => m.subject)).toEqual([
    'Early warning: 5 logistics_delay complaints in a row',
    'Early warning: 5 logistics_delay complaints in a row',
  ]);
});

it('continues as new before its history grows large and keeps every count', async () => {
  const id = h.caseId('monitor-can');
  const total = 60;
  for (let i = 0; i < total; i++) await report(id, categories[i % 4], 300 + Math.floor(i / 20), { continueAsNewAfter: 40 });
  const view = await settled(id, total);
  expect(view.context).toMatchObject({ received: total, pastDays: [20, 20], today: 20 });
  expect(view.timeline.some((e) => e.kind === 'continued')).toBe(true);
  // Every run before the current one ended in continue-as-new.
  const runs = [];
  for await (const info of h.docket.client.workflow.list({ query: `WorkflowId = '${id}'` })) runs.push(info.status.name);
  expect(runs.filter((s) => s === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(1);
});

it('hears from a complaint on intake through signal-with-start', async () => {
  const monitorId = h.caseId('monitor-intake');
  const complaint = withTimings('complaint', { monitorId: monitorId });
  const id = h.caseId('complaint-reporting');
  await h.docket.start({
    definition: complaint,
    id,
    input: {
      customerId: 'c-1',
      customerName: 'Wu Fei',
      contact: 'wu@example.com',
      channel: 'app',
      category: { level1: 'privacy' },
      description: 'Data shared without consent',
    },
  });
  const view = await settled(monitorId, 1);
  expect(view.context).toMatchObject({ lastCategory: 'privacy', recentCases: [id] });
});
