/**
 * The normalisation the docs test compares transcripts with (tests/support/transcript.ts): what
 * differs from run to run becomes a placeholder, and nothing else does.
 */
import { matchesTranscript, normaliseOutput } from '../../support/transcript';

it('replaces local wall-clock times, the time left to a deadline and epoch milliseconds in a context', () => {
  expect(normaliseOutput('deadlines  approver deadline  review  due 2026-12-03 05:56:25  in 7h 59m  → review')).toBe(
    'deadlines  approver deadline  review  due <local time>  in <time left>  → review',
  );
  expect(normaliseOutput('context    heldBy=supervisor  heldSince=1796248585063  holds=[0 items]')).toBe(
    'context    heldBy=supervisor  heldSince=<epoch ms>  holds=[0 items]',
  );
  expect(normaliseOutput('due in 59s')).toBe('due in <time left>');
});

it('leaves alone what only looks alike: hashes, amounts, durations in words, ids', () => {
  const fixed = [
    'refund-approval  v2       8cd10f01  deployed, now current',
    'R-3002  running  refund-approval  8cd10f01    review.lead',
    'amount=1500  limit=2000  in state review.lead',
    'what-if: /tmp/refund-2000.yaml (refund-approval, definition 607fc71b46b8)',
    'route=[2 items]  step=0  total=12345678901234',
  ];
  for (const line of fixed) expect(normaliseOutput(line)).toBe(line);
});

it('a transcript recorded on another day matches a run of today', () => {
  const shown =
    '   refund-approval  v1       92b12902  ops.anna     2026-12-02 21:56:13\nrollbacks:\n  refund-approval v1 made current by ops.ben at 2026-12-02 21:56:23';
  const printed =
    '   refund-approval  v1       92b12902  ops.anna     2027-01-09 08:01:59\nrollbacks:\n  refund-approval v1 made current by ops.ben at 2027-01-09 08:02:00\n';
  expect(matchesTranscript(shown, printed)).toBe(true);
  expect(matchesTranscript(shown, printed.replace('92b12902', '92b12903'))).toBe(false);
});
