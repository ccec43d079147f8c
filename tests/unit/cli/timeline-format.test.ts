/** The timeline as `docket state`, `docket result` and the demo print it. */
import { formatTimeline } from '../../../cli/output';
import type { TimelineEntry } from '../../../contract/wire';

const at = '2026-11-23T10:00:00.000Z';

describe('formatTimeline', () => {
  it('shows what an activity returned, so a failing health measurement is readable in the timeline', () => {
    const measurement = {
      verdict: 'unhealthy',
      version: 'v2',
      weight: 5,
      requests: 40,
      errors: 21,
      errorRate: 0.525,
      p95Ms: 4,
      reasons: ['error rate 52.5% > 5.0%'],
    };
    const timeline: TimelineEntry[] = [
      { kind: 'invoke', at, state: 'releasing.checking', activity: 'checkHealth', status: 'done', output: measurement },
      { kind: 'invoke', at, state: 'notifying', activity: 'notify', status: 'done', output: {} },
      { kind: 'invoke', at, state: 'paying', activity: 'issueRefund', status: 'failed', error: 'ledger refused' },
    ];
    const [health, notify, refund] = formatTimeline(timeline);
    expect(health).toMatch(
      /invoke checkHealth +done in releasing\.checking → \{"verdict":"unhealthy","version":"v2","weight":5,"requests":40,"errors":21,"errorRate":0\.525/,
    );
    // Nothing to show for an empty output; a failure shows its error.
    expect(notify).toMatch(/invoke notify +done in notifying$/);
    expect(refund).toMatch(/invoke issueRefund +failed in paying: ledger refused$/);
  });

  it('shows a continue-as-new boundary with the run number and the state carried over', () => {
    const [line] = formatTimeline([{ kind: 'continued', at, run: 2, state: ['watching'] }]);
    expect(line).toMatch(/continued +as new run 2 in watching \(history restarted, context carried\)$/);
  });
});
