/**
 * Runs the `docket` command line in this process, as `bin/docket.js` does, and returns its exit
 * code and what it wrote. The command functions run for real (parsing, validation, the error
 * handler); only the process boundary is skipped, so a test costs milliseconds rather than a
 * node start. The few tests of the process boundary itself spawn `bin/docket.js`
 * (tests/integration/cli-e2e.test.ts).
 */
import { main } from '../../cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `env` entries are set for the run and restored after (`undefined` unsets one). Runs must not
 * overlap: stdout, stderr, the environment and `process.exitCode` are the process's own.
 */
export async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) setEnv(k, v);
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await main(['node', 'docket', ...args]);
    return { code: Number(process.exitCode ?? 0), stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = before;
    for (const [k, v] of Object.entries(saved)) setEnv(k, v);
  }
}

function setEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
