/**
 * The demo's complaint cases, each driven the way a service would: start, send events as the
 * people involved, wait for timers, and read the final state.
 */
import { EventRejectedError, type ProcessClient, type StateView } from '../client';
import type { ProcessDefinition } from '../dsl/types';

const as = (role: string, id: string) => ({ id, roles: [role] });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const intake = (customerId: string, name: string, impact: string, level1: string, description: string) => ({
  customerId,
  customerName: name,
  contact: `${customerId}@example.com`,
  channel: 'app',
  category: { level1 },
  description,
  impact,
});

async function until(docket: ProcessClient, id: string, state: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await docket.state(id)).state.includes(state)) {
    if (Date.now() > deadline) throw new Error(`${id} did not reach ${state} within 60s`);
    await pause(250);
  }
}

export async function runDemoCases(
  docket: ProcessClient,
  complaint: ProcessDefinition,
  say: (line: string) => void,
): Promise<Array<{ id: string; view: StateView }>> {
  const run = Date.now().toString(36);
  const ids = { p2: `demo-${run}-p2-logistics`, p0: `demo-${run}-p0-payment`, p1: `demo-${run}-p1-escalated` };

  say(`Starting ${ids.p2} (P2), ${ids.p0} (P0) and ${ids.p1} (P1) …`);
  await docket.start({
    definition: complaint,
    id: ids.p2,
    input: intake('cust-101', 'Zhang Min', 'ordinary', 'logistics_delay', 'Parcel is a week late'),
  });
  await docket.start({
    definition: complaint,
    id: ids.p0,
    input: intake('cust-202', 'Liu Yang', 'outage', 'payment', 'Checkout fails for every card'),
  });
  await docket.start({
    definition: complaint,
    id: ids.p1,
    input: intake('cust-303', 'Zhao Lei', 'partial', 'product_issue', 'Blender stops after a minute'),
  });

  // P2: accepted, transferred to logistics, resolved, confirmed, rated.
  await until(docket, ids.p2, 'awaiting_response');
  await docket.send(ids.p2, { type: 'ACCEPT', actor: as('agent', 'alice') });
  await until(docket, ids.p2, 'handling.working');
  try {
    await docket.send(ids.p2, { type: 'RESOLVE', actor: as('agent', 'bob'), data: { resolution: 'not mine' } });
  } catch (err) {
    if (!(err instanceof EventRejectedError)) throw err;
    say(`  rejected as expected: ${err.code}: ${err.message}`);
  }
  await docket.send(ids.p2, {
    type: 'TRANSFER',
    actor: as('agent', 'alice'),
    data: { department: 'logistics', contact: 'wang.fang', need: 'locate parcel 8812' },
  });
  await until(docket, ids.p2, 'handling.with_department');
  await docket.send(ids.p2, {
    type: 'DEPARTMENT_REPLY',
    actor: as('department', 'wang.fang'),
    data: { note: 'found; delivering tomorrow' },
  });
  await docket.send(ids.p2, { type: 'RESOLVE', actor: as('agent', 'alice'), data: { resolution: 'parcel delivered' } });

  // P0: supervisor and emergency plan notified; resolved, reopened, resolved again.
  await until(docket, ids.p0, 'awaiting_response');
  await docket.send(ids.p0, { type: 'ACCEPT', actor: as('agent', 'carol') });
  await until(docket, ids.p0, 'handling.working');
  await docket.send(ids.p0, { type: 'RESOLVE', actor: as('agent', 'carol'), data: { resolution: 'payment gateway restarted' } });
  await docket.send(ids.p0, { type: 'NOT_SOLVED', actor: as('customer', 'cust-202'), data: { reason: 'still fails for Visa' } });
  await until(docket, ids.p0, 'handling.working');
  await docket.send(ids.p0, { type: 'RESOLVE', actor: as('agent', 'carol'), data: { resolution: 'Visa routing fixed' } });

  // P1: nobody accepts within the response deadline, so it escalates to the lead, who takes it.
  say(`  waiting for ${ids.p1} to miss its response deadline …`);
  const deadline = Date.now() + 60_000;
  while ((await docket.state(ids.p1)).context.escalationLevel !== 1) {
    if (Date.now() > deadline) throw new Error(`${ids.p1} did not escalate`);
    await pause(250);
  }
  await until(docket, ids.p1, 'awaiting_response');
  await docket.send(ids.p1, { type: 'ACCEPT', actor: as('lead', 'chen.lead') });
  await until(docket, ids.p1, 'handling.working');
  await docket.send(ids.p1, { type: 'RESOLVE', actor: as('lead', 'chen.lead'), data: { resolution: 'replacement shipped' } });

  // Follow-ups: P2 and P0 customers answer both calls; the P1 customer is never reached.
  for (const id of [ids.p2, ids.p0]) {
    await until(docket, id, 'resolved.confirmation_call');
    await docket.send(id, { type: 'CONFIRM_SOLVED', actor: as('customer', 'customer') });
  }
  for (const [id, score] of [
    [ids.p2, 5],
    [ids.p0, 3],
  ] as const) {
    await until(docket, id, 'resolved.satisfaction_call');
    await docket.send(id, { type: 'SATISFACTION', actor: as('customer', 'customer'), data: { score } });
  }

  const out: Array<{ id: string; view: StateView }> = [];
  for (const id of Object.values(ids)) {
    await docket.result(id);
    out.push({ id, view: await docket.state(id) });
  }
  return out;
}
