/**
 * The four-eyes rule (`distinctActors`) holds across continue-as-new, whatever came between the
 * two approvals. The rule reads the newest listed step in the timeline, and a case carries only
 * its newest 100 timeline entries into the next run (workflows/carried-timeline.ts). An attacker
 * who may send signals could push the first approval out of them: every refused signal is one
 * entry, and enough of them also make the run continue as new. The step the rule reads is now
 * always carried.
 */
import { EventRejectedError } from '../../client';
import { startHarness, type Harness } from '../support/harness';
import { until } from '../support/until';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const sam = { id: 'sam', roles: ['supervisor', 'finance'] };

it('refuses the second approval by the same person after 110 refused signals and a continue-as-new (SAME_ACTOR)', async () => {
  const id = h.caseId('four-eyes-continued');
  await h.docket.start({
    process: 'refund-approval',
    id,
    input: { caseId: 'C-7', amount: 5000, currency: 'USD', requestedBy: 'alice' },
    continueAsNewAfter: 500,
  });
  const approved = await h.docket.send(id, { type: 'APPROVE', actor: sam, data: { note: 'first step' } });
  expect(approved.state).toEqual(['review.finance']);

  const junk = { type: 'NOT_AN_EVENT', actor: { id: 'mallory', roles: ['finance'] } };
  for (let i = 0; i < 110; i++) await h.docket.signal(id, junk);
  // Every refused signal is one more timeline entry and more history, until the run continues as new.
  const continued = await until(
    `case ${id} to continue as new`,
    async () => {
      const view = await h.docket.state(id);
      if (view.timeline.some((e) => e.kind === 'continued')) return view;
      await h.docket.signal(id, junk);
      return undefined;
    },
    90_000,
  );
  expect(continued.state).toEqual(['review.finance']);

  const err = await h.docket.send(id, { type: 'APPROVE', actor: sam }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(EventRejectedError);
  expect((err as EventRejectedError).code).toBe('SAME_ACTOR');
  const other = await h.docket.send(id, { type: 'APPROVE', actor: { id: 'fay', roles: ['finance'] } });
  expect(other.state).not.toEqual(['review.finance']);
  const { context } = await h.docket.state(id);
  expect((context.approvals as Array<{ by: string }>).map((a) => a.by)).toEqual(['sam', 'fay']);
});
