/**
 * How `docket test` reports: a broken expectation points at its line with expected vs got, a
 * wrong scenario file is located, deadlines fire in order of their due times on the virtual
 * clock, and the command prints a summary line. Offline and fast.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTestReport } from '../../../cli/commands/test';
import { formatLocated } from '../../../scenario/scenario-file';
import { runScenarioFile } from '../../../scenario/run-scenarios';

const dir = mkdtempSync(join(tmpdir(), 'docket-scenarios-'));
const definition = `process: ticket
title: Ticket
roles: [agent]
events:
  CLOSE:
    by: [agent]
initial: open
states:
  open:
    on:
      CLOSE: closed
    after:
      - name: second reminder
        delay: 2h
        target: late
      - name: first reminder
        delay: 1h
        target: nudged
  nudged:
    on:
      CLOSE: closed
  late:
    on:
      CLOSE: closed
  closed:
    type: final
    outcome: done
`;
writeFileSync(join(dir, 'ticket.yaml'), definition);

async function run(name: string, text: string) {
  const file = join(dir, `${name}.test.yaml`);
  writeFileSync(file, text);
  writeFileSync(join(dir, `${name}.yaml`), definition);
  return { file, result: await runScenarioFile(file) };
}

it('points a broken expectation at its line, with expected and got', async () => {
  const { file, result } = await run(
    'broken',
    `scenarios:
  - name: reminders
    steps:
      - expect:
          deadlines: [{ name: first reminder, in: 1h }, { name: second reminder, in: 2h }]
      - advance: 90m
      - expect:
          state: late
`,
  );
  expect(result.scenarios.map((s) => s.passed)).toEqual([false]);
  expect(result.scenarios[0].failures.map(formatLocated)).toEqual([
    `${file}:8:18: scenario "reminders": step 3, expect.state: expected "late", got "nudged"`,
  ]);
});

it('fires due deadlines in order of their due times, not their order in the file', async () => {
  const { result } = await run(
    'order',
    `scenarios:
  - name: the earlier deadline wins
    steps:
      - advance: 3h
      - expect: { state: nudged, deadlines: [] }
      - send: CLOSE
        as: agent:ann
      - expect: { outcome: done }
`,
  );
  expect(result.scenarios.flatMap((s) => s.failures.map(formatLocated))).toEqual([]);
});

it('locates a rejected event that was expected to pass, and an unknown key with did-you-mean', async () => {
  const { file, result } = await run(
    'refused',
    `scenarios:
  - name: wrong role
    steps:
      - send: CLOSE
        as: lead:lee
`,
  );
  expect(result.scenarios[0].failures.map(formatLocated)).toEqual([
    `${file}:4:15: scenario "wrong role": step 1: expected CLOSE to be accepted, got ROLE_NOT_ALLOWED: lee (role lead) may not send CLOSE; events.CLOSE.by allows: agent`,
  ]);
  const bad = await run('bad-key', 'scenarios:\n  - name: typo\n    steps:\n      - advance: 1h\n        expcet: { state: open }\n');
  expect(bad.result.problems.map(formatLocated)).toEqual([
    `${bad.file}:5:9: scenarios[0].steps[0].expcet: unknown key "expcet" (did you mean "expect"?); allowed here: advance`,
  ]);
});

it('prints a summary line', () => {
  expect(
    formatTestReport(
      [{ file: 'a.test.yaml', scenarios: [{ name: 'x', line: 2, passed: true, failures: [], ms: 1, visited: [] }], problems: [] }],
      12.4,
    ),
  ).toEqual(['1 scenario: 1 passed, 0 failed (1 file) in 12 ms']);
});

it('runs an offlineOnly scenario offline, and refuses an offlineOnly that gives no reason', async () => {
  const { result } = await run(
    'offline-only',
    `scenarios:
  - name: closed by an agent
    offlineOnly: what the file's answers give, not the real activities
    steps:
      - send: CLOSE
        as: agent:ann
      - expect: { outcome: done }
`,
  );
  expect(result.scenarios.map((s) => [s.passed, s.skipped])).toEqual([[true, undefined]]);
  const bad = await run(
    'offline-only-bad',
    'scenarios:\n  - name: no reason\n    offlineOnly: true\n    steps: []\n  - name: blank\n    offlineOnly: " "\n    steps: []\n',
  );
  expect(bad.result.problems.map(formatLocated)).toEqual([
    `${bad.file}:3:18: scenarios[0].offlineOnly: says why the scenario runs offline only, in words (offlineOnly: the router in its input exists only in the demo); true is not a reason`,
    `${bad.file}:6:18: scenarios[1].offlineOnly: says why the scenario runs offline only, in words (offlineOnly: the router in its input exists only in the demo); " " is not a reason`,
  ]);
});
