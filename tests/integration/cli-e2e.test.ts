/**
 * The real `docket` process, spawned as a user runs it: bin/docket.js on the compiled code in
 * dist/ (`npm test` builds it first). Only what the in-process tests (tests/unit/cli/cli.test.ts)
 * cannot see: the entry point, the build, another working directory, exit codes of the process.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'docket.js');
const STACK = /\n\s+at /;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function docket(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: options.cwd ?? ROOT,
        env: { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1', DOCKET_DEBUG: '', ...options.env },
        timeout: 60_000,
      },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js')))
    throw new Error('dist/ is missing: run `npm run build` (npm test does) before these tests');
});

describe('bin/docket.js', () => {
  it('validates the shipped definitions from dist/, exit 0', async () => {
    const run = await docket(['validate']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/5 definitions valid/);
    expect(run.code).toBe(0);
  });

  it('works from any directory: graph of a file given by absolute path', async () => {
    const run = await docket(['graph', path.join(ROOT, 'definitions', 'complaint.yaml')], { cwd: os.tmpdir() });
    expect(run.stdout.startsWith('stateDiagram-v2')).toBe(true);
    expect(run.code).toBe(0);
  });

  it('prints its version from package.json', async () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const run = await docket(['--version']);
    expect(run.stdout.trim()).toBe(version);
    expect(run.code).toBe(0);
  });

  it('says which address it could not reach and how to fix it, exit 1, no stack trace', async () => {
    const run = await docket(['state', 'C-1']);
    expect(run.stderr).toMatch(/^docket: cannot reach Temporal at 127\.0\.0\.1:1 /);
    expect(run.stderr).toMatch(/docket dev/);
    expect(run.stderr).toMatch(/TEMPORAL_ADDRESS/);
    expect(run.stderr).not.toMatch(STACK);
    expect(run.code).toBe(1);
  });
});
