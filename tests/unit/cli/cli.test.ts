/**
 * The `docket` command line, run in-process by its own `main` (tests/support/run-cli.ts): exit
 * codes and what it prints. None of these cases needs Temporal: flags are checked before any
 * connection is made, and TEMPORAL_ADDRESS points nowhere so that a stray connection shows.
 * The process boundary (bin/docket.js, the compiled code, another working directory) is
 * tests/integration/cli-e2e.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli, type CliRun } from '../../support/run-cli';

const STACK = /\n\s+at /;

function docket(args: string[], options: { env?: Record<string, string | undefined> } = {}): Promise<CliRun> {
  return runCli(args, { TEMPORAL_ADDRESS: '127.0.0.1:1', DOCKET_DEBUG: undefined, ...options.env });
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'docket-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fixture(name: string, text: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return file;
}

const BROKEN = `process: broken
title: Broken
roles: [agent]
events:
  APPROVE: { by: [agent] }
initial: open
states:
  open:
    on:
      APPROVE: aproved
  approved:
    type: final
    outcome: approved
`;

describe('docket validate', () => {
  it('passes the shipped definitions with exit code 0', async () => {
    const run = await docket(['validate', 'definitions']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/definitions\/complaint\.yaml/);
    expect(run.code).toBe(0);
  });

  it('validates definitions/ when given no files', async () => {
    const run = await docket(['validate']);
    expect(run.stdout).toMatch(/complaint\.yaml \(complaint\)/);
    expect(run.code).toBe(0);
  });

  it('prints the report as JSON with --json', async () => {
    const run = await docket(['validate', '--json', 'definitions/complaint.yaml']);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      errorCount: 0,
      invalidCount: 0,
      files: [{ file: 'definitions/complaint.yaml', ok: true, process: 'complaint' }],
    });
    expect(run.code).toBe(0);
  });

  it('reports a wrong definition as file:line:col with a suggestion, exit 1, no stack trace', async () => {
    const file = fixture('broken.yaml', BROKEN);
    const run = await docket(['validate', file]);
    const output = run.stdout + run.stderr;
    expect(output).toContain(`${file}:10:`);
    expect(output).toMatch(/broken\.yaml:\d+:\d+: states\.open\.on\.APPROVE.*unknown state "aproved" \(did you mean "approved"\?\)/);
    expect(output).not.toMatch(STACK);
    expect(run.code).toBe(1);
  });

  it('reports YAML syntax errors with their position, exit 1', async () => {
    const file = fixture('syntax.yaml', 'process: x\nstates: [open\n');
    const run = await docket(['validate', file]);
    expect(run.stdout + run.stderr).toMatch(/syntax\.yaml:\d+:\d+: /);
    expect(run.stdout + run.stderr).not.toMatch(STACK);
    expect(run.code).toBe(1);
  });

  it('fails with exit 1 when one of several files is wrong, and still reports the good ones', async () => {
    const file = fixture('broken2.yaml', BROKEN);
    const run = await docket(['validate', 'definitions/complaint.yaml', file]);
    expect(run.stdout).toMatch(/ok\s+definitions\/complaint\.yaml/);
    expect(run.stdout).toMatch(/1 of 2 definitions invalid/);
    expect(run.code).toBe(1);
  });

  it('names a path that does not exist, exit 1', async () => {
    const missing = path.join(tmp, 'no-such-definition.yaml');
    const run = await docket(['validate', missing]);
    expect(run.stdout + run.stderr).toContain(missing);
    expect(run.stdout + run.stderr).toMatch(/not found/);
    expect(run.code).toBe(1);
  });
});

describe('docket graph', () => {
  it('prints a Mermaid state diagram of the complaint process', async () => {
    const run = await docket(['graph', 'definitions/complaint.yaml']);
    expect(run.stdout.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(run.stdout).toContain('awaiting_response');
    expect(run.stdout).toMatch(/awaiting_response --> assigning : ACCEPT/);
    expect(run.code).toBe(0);
  });

  it('marks the states given with --highlight', async () => {
    const run = await docket(['graph', 'definitions/complaint.yaml', '--highlight', 'handling.working']);
    expect(run.stdout).toMatch(/class handling,handling__working visited/);
  });

  it('refuses an invalid definition with its diagnostics, exit 1', async () => {
    const file = fixture('broken-graph.yaml', BROKEN);
    const run = await docket(['graph', file]);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/broken-graph\.yaml:\d+:\d+: /);
    expect(run.stderr).not.toMatch(STACK);
    expect(run.code).toBe(1);
  });
});

describe('event flags', () => {
  it('rejects --data that is not JSON, naming the flag and the place, exit 1', async () => {
    const run = await docket(['send', 'C-1', 'NOT_SOLVED', '--as', 'customer:c-1', '--data', '{reason: "late"}']);
    expect(run.stderr).toMatch(/^docket: --data is not valid JSON: .* at line 1 column 2; /);
    expect(run.stderr).toMatch(/double quotes/);
    expect(run.stderr).not.toMatch(STACK);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.code).toBe(1);
  });

  it('rejects --data that is JSON but not an object', async () => {
    const run = await docket(['signal', 'C-1', 'NOT_SOLVED', '--as', 'customer:c-1', '--data', '[1]']);
    expect(run.stderr).toMatch(/--data must be a JSON object/);
    expect(run.code).toBe(1);
  });

  it('rejects --as without a colon, showing the expected form, exit 1', async () => {
    const run = await docket(['send', 'C-1', 'ACCEPT', '--as', 'alice']);
    expect(run.stderr).toMatch(/^docket: --as "alice": expected role:actorId/);
    expect(run.stderr).toMatch(/--as lead,agent:alice/);
    expect(run.stderr).not.toMatch(STACK);
    expect(run.code).toBe(1);
  });

  it('requires --as', async () => {
    const run = await docket(['send', 'C-1', 'ACCEPT']);
    expect(run.stderr).toMatch(/--as/);
    expect(run.code).toBe(1);
  });

  it('rejects --input and --input-file together', async () => {
    const run = await docket(['start', 'definitions/complaint.yaml', '--id', 'C-1', '--input', '{}', '--input-file', 'x.json']);
    expect(run.stderr).toMatch(/either with --input or with --input-file/);
    expect(run.code).toBe(1);
  });

  it('names an --input-file that does not exist', async () => {
    const run = await docket(['start', 'definitions/complaint.yaml', '--id', 'C-1', '--input-file', path.join(tmp, 'none.json')]);
    expect(run.stderr).toMatch(/--input-file ".*none\.json": cannot read the file: no such file/);
    expect(run.code).toBe(1);
  });
});

describe('the command line itself', () => {
  it('suggests the nearest command for a typo', async () => {
    const run = await docket(['sned']);
    expect(run.stderr).toMatch(/unknown command 'sned'/);
    expect(run.stderr).toMatch(/Did you mean send\?/);
    expect(run.code).toBe(1);
  });

  it('lists every command in --help', async () => {
    const run = await docket(['--help']);
    for (const command of ['validate', 'graph', 'start', 'send', 'signal', 'state', 'list', 'history', 'result', 'dev', 'worker']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(run.code).toBe(0);
  });

  it('rejects a malformed TEMPORAL_ADDRESS by name', async () => {
    const run = await docket(['list'], { env: { TEMPORAL_ADDRESS: 'http://localhost:7233' } });
    expect(run.stderr).toMatch(/^docket: TEMPORAL_ADDRESS: expected host:port/);
    expect(run.code).toBe(1);
  });
});
