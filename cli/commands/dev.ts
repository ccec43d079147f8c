/**
 * `docket dev [--data-dir .docket] [--port 7233] [--ui-port 8233]`: a local Temporal dev server
 * (SQLite in the data dir, so cases survive restarts) plus the worker, until Ctrl-C.
 *
 * With `TEMPORAL_ADDRESS` set, no server is started: only the worker runs, against that address.
 * Ctrl-C drains the worker, then stops the server; a second Ctrl-C exits at once (the worker's
 * own signal handling, worker/main.ts).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseInteger, UsageError } from '../args';
import { runCommand } from '../run-command';

/** The Temporal CLI's own default ports (devserver/dev-server.ts DEFAULT_DEV_PORT / DEFAULT_UI_PORT). */
const DEV_PORT = '7233';
const UI_PORT = '8233';

interface DevFlags {
  dataDir: string;
  port: string;
  uiPort: string;
}

export function register(program: Command): void {
  program
    .command('dev')
    .description('run a local Temporal dev server and the worker until Ctrl-C (only the worker when TEMPORAL_ADDRESS is set)')
    .option('--data-dir <dir>', 'where the server keeps its database (env DOCKET_DATA_DIR)', process.env.DOCKET_DATA_DIR || '.docket')
    .option('--port <port>', 'Temporal frontend port', DEV_PORT)
    .option('--ui-port <port>', 'Temporal Web UI port', UI_PORT)
    .action(runCommand((flags: DevFlags) => dev(flags)));
}

async function dev(flags: DevFlags): Promise<void> {
  const port = parseInteger(flags.port, '--port', 1, 65535);
  const uiPort = parseInteger(flags.uiPort, '--ui-port', 1, 65535);
  const say = (line: string) => process.stderr.write(`docket dev: ${line}\n`);
  const { runWorker } = await import('../../worker/main');
  const { useDevActorKeys } = await import('../../client/actor-signer');
  // The worker requires signed actors; it trusts this local key pair, which the CLI, `docket serve --dev` and the demo sign with.
  const keys = useDevActorKeys(flags.dataDir);
  say(`actors are signed with the development key in ${keys.dir} (the worker trusts ${process.env.DOCKET_ACTOR_KEYS})`);

  const existing = process.env.TEMPORAL_ADDRESS?.trim();
  if (existing) {
    say(`TEMPORAL_ADDRESS is set: using the Temporal server at ${existing}, not starting one`);
    await runWorker(); // drains on SIGINT/SIGTERM by itself
    say('stopped');
    return;
  }

  const { findTemporalCli } = await import('../../devserver/temporal-cli');
  const { startDevServer } = await import('../../devserver/dev-server');
  // While the server starts, Ctrl-C cancels the start-up (and stops the server if it came up).
  const startup = new AbortController();
  const cancel = () => {
    say('cancelled');
    startup.abort();
  };
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  let server: Awaited<ReturnType<typeof startDevServer>>;
  try {
    const cliPath = await findTemporalCli({ build: true, onProgress: (line) => say(line) });
    if (startup.signal.aborted) return;
    say(`starting the Temporal dev server (data in ${flags.dataDir})`);
    server = await startDevServer({
      dataDir: flags.dataDir,
      port,
      uiPort,
      cliPath,
      namespace: process.env.TEMPORAL_NAMESPACE?.trim() || undefined,
    });
  } catch (err) {
    // Ctrl-C in a terminal reaches the server (or the Go build) too, which then fails: that is the
    // cancellation the user asked for, not an error to report.
    if (startup.signal.aborted) return;
    throw err;
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  }

  try {
    if (startup.signal.aborted) return;
    say(`Temporal is at ${server.address}, Web UI at ${server.uiUrl}`);
    // The CLI signs events with the key in DOCKET_DATA_DIR (default .docket): another data dir must be named there too.
    const dataDir = resolve(flags.dataDir);
    const keysHint = dataDir === resolve('.docket') ? '' : ` DOCKET_DATA_DIR=${dataDir}`;
    say(`in another terminal: export TEMPORAL_ADDRESS=${server.address}${keysHint}   (Ctrl-C here stops both)`);
    process.env.TEMPORAL_ADDRESS = server.address;
    // From here the worker handles SIGINT/SIGTERM: it drains, then runWorker resolves. It is not
    // given an AbortSignal: aborting it before its worker runs leaves the worker holding the process.
    await runWorker().catch((err: unknown) => {
      // A Ctrl-C in the terminal also reaches the server, which then stops before the worker has
      // connected: say that, rather than that Temporal cannot be reached.
      if (isAlive(server.pid)) throw err;
      throw new UsageError('the Temporal dev server stopped while the worker was starting (Ctrl-C reaches both); nothing is left running');
    });
  } finally {
    say('stopping the Temporal dev server');
    await server.stop();
  }
  say('stopped');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
