/**
 * The demo's refund cases: one within the team lead's authority and one above it, each driven
 * the way the people involved would, on the shipped definition with demo timings (the approver
 * deadlines shortened so an escalation shows; definitions/refund-approval.yaml keeps 4h/8h/1d).
 *
 * Returns each case's final state; the caller prints the timelines.
 */
import { join } from 'node:path';
import { bundleFromFile, EventRejectedError, type ProcessClient, type StateView } from '../client';
import { withDecisions } from '../examples/definition-overrides';

const as = (role: string, id: string) => ({ id, roles: [role] });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(docket: ProcessClient, id: string, state: string): Promise<StateView> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const view = await docket.state(id);
    if (view.state.includes(state)) return view;
    if (Date.now() > deadline) throw new Error(`${id} did not reach ${state} within 60s (it is in ${view.state.join(', ')})`);
    await pause(200);
  }
}

/** `lead 2s (escalated by deadline) → manager 0s (approved by ma.mgr)`. */
function holdsLine(view: StateView): string {
  const holds = (view.context.holds ?? []) as Array<{ step: string; heldBy: string; heldMs: number; ended: string; by: string }>;
  return holds.map((x) => `${x.heldBy} held the ${x.step} step ${(x.heldMs / 1000).toFixed(1)}s (${x.ended} by ${x.by})`).join(' → ');
}

export async function runRefundDemo(docket: ProcessClient, say: (line: string) => void): Promise<Array<{ id: string; view: StateView }>> {
  const shipped = await bundleFromFile(join(__dirname, '..', 'definitions', 'refund-approval.yaml'));
  const refund = withDecisions(shipped.definition, {
    levelDeadline: [{ when: 'context.heldBy == "supervisor"', then: '3s' }, { then: '1h' }],
  });
  say('\nRefund approval — demo timings: a supervisor who does not decide in 3s loses the step to the manager (the YAML says 8h).');
  const run = Date.now().toString(36);
  const small = `demo-${run}-refund-680`;
  const large = `demo-${run}-refund-2400`;
  const input = (caseId: string, amount: number) => ({
    caseId,
    amount,
    requestedBy: 'alice',
    customerId: 'cust-101',
    reason: 'parcel lost in transit',
  });

  // 680: the team lead decides alone. The requester tries to approve her own refund first.
  await docket.start({ definition: refund, id: small, input: input('demo-C-101', 680) });
  await until(docket, small, 'review.lead');
  try {
    await docket.send(small, { type: 'APPROVE', actor: { id: 'alice', roles: ['agent', 'lead'] } });
  } catch (err) {
    if (!(err instanceof EventRejectedError)) throw err;
    say(`  ${small}: alice approving her own refund → refused ${err.code}: ${err.message.replace(`${small}: `, '')}`);
  }
  await docket.send(small, { type: 'APPROVE', actor: as('lead', 'chen.lead'), data: { note: 'order 8812 checked' } });

  // 2400: supervisor then finance; the supervisor lets it lie, so the manager decides that step.
  await docket.start({ definition: refund, id: large, input: input('demo-C-202', 2400) });
  await until(docket, large, 'review.supervisor');
  say(`  ${large}: above 1000 → supervisor, then finance. Nobody at the supervisor level acts …`);
  await until(docket, large, 'review.manager');
  try {
    await docket.send(large, { type: 'APPROVE', actor: as('finance', 'fay.fin') });
  } catch (err) {
    if (!(err instanceof EventRejectedError)) throw err;
    say(`  ${large}: finance approving the manager's step → refused ${err.code}`);
  }
  await docket.send(large, { type: 'APPROVE', actor: as('manager', 'ma.mgr') });
  await until(docket, large, 'review.finance');
  await docket.send(large, { type: 'APPROVE', actor: as('finance', 'fay.fin'), data: { note: 'order and amount match' } });

  const results: Array<{ id: string; view: StateView }> = [];
  for (const id of [small, large]) {
    await docket.result(id);
    const view = await docket.state(id);
    const payment = view.context.payment as { amount: number; currency: string; approvedBy: string; paidAt: string } | undefined;
    say(
      `  ${id}: ${view.outcome}${payment ? `, paid ${payment.amount} ${payment.currency} (approved by ${payment.approvedBy}) at ${payment.paidAt}` : ''}`,
    );
    say(`    ${holdsLine(view)}`);
    results.push({ id, view });
  }
  return results;
}
