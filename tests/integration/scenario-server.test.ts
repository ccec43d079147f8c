/**
 * `docket test --server` runs the shipped scenario files on a real Temporal server (the test dev
 * server, a harness worker with the real activities): the scenarios that need no virtual clock
 * pass there too, and the ones that do are reported as skipped, not as passed or failed.
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  expect(result.scenarios.map((s) => [s.name, s.skipped ?? 'ran'])).toEqual([
    ['a report of a case already counted is ignored', 'ran'],
    ['five complaints of one category in a row raise one early warning', 'ran'],
    [
      'a day with more than 1.5 times the average volume gets a level-3 response, once that day',
      'sets what invocations return (offline only)',
    ],
  ]);
  const report = formatTestReport([result], 1);
  expect(report[report.length - 1]).toBe('3 scenarios: 2 passed, 0 failed, 1 skipped (1 file) in 1 ms');
});

it('a broken expectation on the server points at its line, with expected and got', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-server-scenarios-'));
  copyFileSync(join(DEFINITIONS, 'complaint-monitor.yaml'), join(dir, 'complaint-monitor.yaml'));
  const file = join(dir, 'complaint-monitor.test.yaml');
  writeFileSync(
    file,
    `scenarios:
  - name: counted twice
    steps:
      - send: COMPLAINT_RECEIVED
        as: system:intake
        data: { caseId: C-1, category: payment, day: 20000 }
      - expect:
          context: { received: 2 }
`,
  );
  // The case stays at received 1: waiting longer would not change it.
  const result = await runScenarioFileOnServer(file, h.docket, undefined, 3_000);
  expect(result.scenarios.flatMap((s) => s.failures.map(formatLocated))).toEqual([
    `${file}:8:32: scenario "counted twice" (on the server): step 2, expect.context.received: expected 2, got 1 (after waiting 3 s)`,
  ]);
});
