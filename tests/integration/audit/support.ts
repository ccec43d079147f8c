/** Shared by the audit tests: the recorded histories, and the real `docket` command line. */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const HISTORIES = path.join(ROOT, 'tests', 'histories');
export const RECORDED_DEFINITIONS = path.join(HISTORIES, 'definitions');
export const history = (name: string): string => path.join(HISTORIES, `${name}.json`);
/** Histories recorded under version 1 of complaint and complaint-monitor (the monitor fed by one signal per complaint). */
export const HISTORIES_V1 = path.join(ROOT, 'tests', 'histories-v1');
export const historyV1 = (name: string): string => path.join(HISTORIES_V1, `${name}.json`);
/**
 * Histories whose definition step was answered by the worker's local lookup (resolveKnownDefinition,
 * a MarkerRecorded event) instead of the resolveDefinition activity (tests/histories/README.md).
 */
export const HISTORIES_LOCAL_LOOKUP = path.join(ROOT, 'tests', 'histories-local-lookup');
export const historyLocalLookup = (name: string): string => path.join(HISTORIES_LOCAL_LOOKUP, `${name}.json`);

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/docket.js …` as a user would; `env` is added to this process's environment. */
export function docket(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'bin', 'docket.js'), ...args],
      { cwd: ROOT, env: { ...process.env, DOCKET_DEBUG: '', ...env }, timeout: 90_000, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** What `fn` throws, or undefined when it returns. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
