/**
 * A `docket worker` process (bin/docket.js, the compiled code) on a harness's task queue, server and
 * workflow bundle, trusting the harness's signing key (inherited through the environment): what
 * tests that kill, replace or scrape a real worker process start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Harness } from './harness';

const ROOT = join(__dirname, '..', '..');

export interface WorkerProcessOptions {
  /** Extra or overriding environment (DOCKET_DATA_DIR, DOCKET_STORE_URL, DOCKET_METRICS_ADDRESS …). */
  env?: NodeJS.ProcessEnv;
  /** Run this script with tsx instead of `docket worker` (e.g. a worker with wrapped activities). */
  script?: string;
  /** DOCKET_LOG_LEVEL of the process. Default `warn`. */
  logLevel?: string;
}

/** Where a worker process connects and what it runs: a harness, or any server the test started itself. */
export type WorkerTarget = Pick<Harness, 'address' | 'namespace' | 'taskQueue' | 'dataDir' | 'bundlePath'>;

export function spawnWorkerProcess(h: WorkerTarget, options: WorkerProcessOptions = {}): ChildProcess {
  const args = options.script ? ['-r', 'tsx/cjs', options.script] : [join(ROOT, 'bin', 'docket.js'), 'worker'];
  return spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: h.address,
      TEMPORAL_NAMESPACE: h.namespace,
      DOCKET_TASK_QUEUE: h.taskQueue,
      DOCKET_DATA_DIR: h.dataDir,
      DOCKET_WORKFLOW_BUNDLE: h.bundlePath,
      DOCKET_LOG_LEVEL: options.logLevel ?? 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
