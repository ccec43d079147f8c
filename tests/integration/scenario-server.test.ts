/**
 * `docket test --server` runs the shipped scenario files on a real Temporal server (the test dev
 * server, a harness worker with the real activities): the scenarios that need no virtual clock
 * pass there too, and the ones that do are reported as skipped, not as passed or failed.
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { formatTestReport } from '../../cli/commands/test';
import { formatLocated } from '../../scenario/scenario-file';
import { runScenarioFileOnServer } from '../../scenario/server-run';
import { startHarness, type Harness } from '../support/harness';

const DEFINITIONS = join(__dirname, '..', '..', 'definitions');
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

it('complaint-monitor.test.yaml: the scenarios without a virtual clock pass on the server; the others are skipped', async () => {
  const result = await runScenarioFileOnServer(join(DEFINITIONS, 'complaint-monitor.test.yaml'), h.docket);
  expect(result.problems).toEqual([]);
  expect(result.scenarios.flatMap((s) => s.failures.map(formatLocated))).toEqual([]);
  const completes = 'completes an invocation (offline only)';
  expect(result.scenarios.map((s) => [s.name, s.skipped ?? 'ran'])).toEqual([
    ['five complaints of one category in a row raise one early warning, across checks', completes],
    [
      'a day with more than 1.5 times the average volume gets a level-3 response, once that day',
      'sets what invocations return (offline only)',
    ],
    ['a window given at start (carried over from version 1) is used on the first day', completes],
    ['a supervisor checks now; a visibility outage waits for the next check', completes],
    ['a new monitor has raised nothing', 'ran'],
  ]);
  const report = formatTestReport([result], 1);
  expect(report[report.length - 1]).toBe('5 scenarios: 1 passed, 0 failed, 4 skipped (1 file) in 1 ms');
});

it('a broken expectation on the server points at its line, with expected and got', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-server-scenarios-'));
  copyFileSync(join(DEFINITIONS, 'complaint-monitor.yaml'), join(dir, 'complaint-monitor.yaml'));
  const file = join(dir, 'complaint-monitor.test.yaml');
  writeFileSync(
    file,
    `scenarios:
  - name: warned twice
    steps:
      - expect:
          context: { warningCount: 2 }
`,
  );
  // The case stays at warningCount 0: waiting longer would not change it.
  const result = await runScenarioFileOnServer(file, h.docket, undefined, 3_000);
  expect(result.scenarios.flatMap((s) => s.failures.map(formatLocated))).toEqual([
    `${file}:5:36: scenario "warned twice" (on the server): step 1, expect.context.warningCount: expected 2, got 0 (after waiting 3 s)`,
  ]);
});

it('every shipped scenario file means the same on the server: case id, clock and settling as offline', async () => {
  const results = [];
  for (const name of ['complaint-monitor', 'complaint', 'gray-release', 'refund-approval', 'warranty-claim'])
    results.push(await runScenarioFileOnServer(join(DEFINITIONS, `${name}.test.yaml`), h.docket, undefined, 20_000));
  const failed = results.flatMap((r) =>
    r.scenarios
      .filter((s) => s.failures.length > 0)
      .map((s) => `${basename(r.file)}: scenario "${s.name}": ${s.failures.map(formatLocated).join('; ')}`),
  );
  expect(failed).toEqual([]);
  // The two that expect what the file's invocation answers give are declared offlineOnly, with the file's reason.
  const offlineOnly = results.flatMap((r) =>
    r.scenarios.filter((s) => s.skipped?.startsWith('is offline only: ')).map((s) => `${basename(r.file)}: ${s.name}`),
  );
  expect(offlineOnly).toEqual([
    'gray-release.test.yaml: an aborted release ends aborted',
    'refund-approval.test.yaml: a small refund is decided by a lead other than the requester, then paid',
  ]);
  const report = formatTestReport(results, 1);
  expect(report).toContain(
    'skip  ' +
      join(DEFINITIONS, 'refund-approval.test.yaml') +
      ':10: scenario "a small refund is decided by a lead other than the requester, then paid" is offline only: it expects the payment the file\'s issueRefund answer gives; the real issueRefund returns its own receipt (paidAt, ledger key, duplicate)',
  );
  expect(report[report.length - 1]).toBe('38 scenarios: 11 passed, 0 failed, 27 skipped (5 files) in 1 ms');
}, 300_000);
