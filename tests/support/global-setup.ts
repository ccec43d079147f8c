/**
 * Jest global setup: one real Temporal dev server and one workflow bundle for the whole run.
 *
 * Finds (or builds, once, into the cache) the `temporal` CLI, starts the dev server on free ports
 * with a temp data dir, bundles `workflows/index.ts`, and writes `TestServerInfo` to a JSON file
 * whose path goes to the test workers in `DOCKET_TEST_SERVER_FILE` (they inherit the env).
 * Server output goes to `<dataDir>/server.log`. Set `DOCKET_TEST_KEEP_DATA=1` to keep the data dir.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDevServer, type DevServer } from '../../devserver/dev-server';
import { buildWorkflowBundle } from '../../worker/workflow-bundle';
import { findTemporalCli } from '../../devserver/temporal-cli';
import type { TestServerInfo } from './server';

/** Read by global-teardown (same process). */
export const SERVER_KEY = Symbol.for('docket.testServer');

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const say = (line: string) => process.stderr.write(`[docket tests] ${line}\n`);

  // Every worker of the run (in-process harnesses and `docket worker` processes inherit the env)
  // gives a workflow activation 60 s instead of the SDK's 5 s: on the shared 2-core test machine an
  // activation replaying a history was stopped at 5 s under load 20-35 and the tests failed for it
  // (worker/create-worker.ts isolateExecutionTimeoutMs). A caller's own value wins.
  process.env.DOCKET_ISOLATE_EXECUTION_TIMEOUT_MS ??= '60000';

  const workflowsPath = path.resolve(__dirname, '..', '..', 'workflows', 'index.ts');
  if (!fs.existsSync(workflowsPath)) {
    throw new Error(`integration tests need the workflow code at ${workflowsPath}, which does not exist`);
  }

  const cliPath = await findTemporalCli({ build: true, onProgress: say });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-jest-'));
  const log = fs.createWriteStream(path.join(dataDir, 'server.log'));
  let server: DevServer | undefined;
  try {
    server = await startDevServer({ dataDir, cliPath, onLog: (line) => log.write(`${line}\n`) });
    const serverUp = Date.now();
    const bundle = await buildWorkflowBundle({ workflowsPath, outFile: path.join(dataDir, 'workflow-bundle.js') });

    const info: TestServerInfo = {
      address: server.address,
      namespace: server.namespace,
      uiUrl: server.uiUrl,
      bundlePath: bundle.path,
      dataDir,
      pid: server.pid,
    };
    const file = path.join(os.tmpdir(), `docket-jest-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify(info, null, 2));
    process.env.DOCKET_TEST_SERVER_FILE = file;
    (globalThis as Record<symbol, unknown>)[SERVER_KEY] = { server, file, log };
    say(
      `Temporal dev server on ${server.address} (up in ${serverUp - started} ms), ` +
        `workflow bundle ${Math.round(bundle.bytes / 1024)} KiB in ${Date.now() - serverUp} ms`,
    );
  } catch (err) {
    await server?.stop();
    log.end();
    throw err;
  }
}
