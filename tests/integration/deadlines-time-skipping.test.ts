/**
 * Deadlines as the shipped complaint definition sets them (4 hours for a P1 response, then the
 * shared ladder's 4 h, 8 h, 1 day), on Temporal's time-skipping test server: the test moves
 * virtual time past each deadline instead of shortening it and waiting real seconds, and checks
 * the case on both sides of the boundary.
 */
import { listOutbox } from '../../activities';
import type { StateView } from '../../client';
import { startTimeSkippingHarness, type TimeSkippingHarness } from '../support/time-skipping-harness';

const intake = (impact: string) => ({
  customerId: 'cust-7',
  customerName: 'Li Wei',
  contact: '+86 138 0000 0000',
  channel: 'wechat',
  category: { level1: 'logistics_delay', level2: 'late parcel' },
  description: 'Parcel two weeks late',
  demand: 'deliver or refund',
  impact,
});
const as = (role: string, id: string) => ({ id, roles: [role] });
const missed = (view: StateView) => view.timeline.filter((e) => e.kind === 'deadline').map((e) => (e as { name: string }).name);

let h: TimeSkippingHarness;
beforeAll(async () => {
  h = await startTimeSkippingHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('complaint deadlines on virtual time', () => {
  it('escalates a P1 complaint to the lead when its 4-hour response deadline passes, not before', async () => {
    const id = h.caseId('p1');
    await h.docket.start({ process: 'complaint', id, input: intake('severe') });
    await h.skip('239m');
    const before = await h.docket.state(id);
    expect(before.context).toMatchObject({ priority: 'P1', heldBy: 'agent', escalationLevel: 0 });
    expect(missed(before)).toEqual([]);

    await h.skip('2m');
    const after = await h.docket.state(id);
    expect(after.state).toContain('awaiting_response');
    expect(after.context).toMatchObject({ heldBy: 'lead', escalationLevel: 1 });
    expect(after.timeline.find((e) => e.kind === 'deadline')).toMatchObject({
      name: 'response deadline',
      state: 'awaiting_response',
      target: 'escalating',
    });
    expect(listOutbox({ workflowId: id }).map((m) => m.recipient)).toEqual(['supervisor', 'lead']);
    // The lead can still accept it and becomes the owner.
    await h.docket.send(id, { type: 'ACCEPT', actor: as('lead', 'chen.lead') });
    expect((await h.docket.state(id)).context.owner).toBe('chen.lead');
  });

  it('climbs the shared ladder with each level’s own deadline (lead 4 h, supervisor 8 h), up to the manager', async () => {
    const id = h.caseId('ladder');
    await h.docket.start({ process: 'complaint', id, input: intake('severe') });
    await h.skip('241m'); // the agent's P1 response deadline
    expect((await h.docket.state(id)).context.heldBy).toBe('lead');
    await h.skip('238m'); // the lead's 4 hours are not over yet
    expect((await h.docket.state(id)).context.heldBy).toBe('lead');
    await h.skip('2m');
    expect((await h.docket.state(id)).context.heldBy).toBe('supervisor');
    await h.skip('481m');
    const view = await h.docket.state(id);
    expect(view.state).toContain('awaiting_response');
    expect(view.context).toMatchObject({ heldBy: 'manager', escalationLevel: 3 });
    expect(missed(view)).toEqual(['response deadline', 'response deadline', 'response deadline']);
    // The supervisor alert for P1, then one notice per new level, in ladder order.
    expect(listOutbox({ workflowId: id }).map((m) => m.recipient)).toEqual(['supervisor', 'lead', 'supervisor', 'manager']);
    await h.docket.send(id, { type: 'ACCEPT', actor: as('manager', 'wu.mgr') });
    expect((await h.docket.state(id)).context.owner).toBe('wu.mgr');
  });
});
