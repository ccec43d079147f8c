/**
 * Runs the Temporal CLI's dev server (SQLite persistence, web UI) for `docket dev` and the tests.
 *
 * `temporal server start-dev --search-attribute` only registers attributes when it creates the
 * database: restarted on an existing `temporal.db` it ignores the ones it does not have yet (checked
 * with CLI v1.5.1). So after the server answers, `ensureSearchAttributes` adds whatever is missing;
 * open cases survive a restart on the same data dir.
 *
 * @example
 *   const server = await startDevServer({ dataDir: '.docket', port: DEFAULT_DEV_PORT, uiPort: DEFAULT_UI_PORT });
 *   console.log(server.address, server.uiUrl);
 *   await server.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_TYPES } from '../contract/search-attributes';
import { ensureSearchAttributes, type SearchAttributeTypeName } from './ensure-search-attributes';
import { forEachLine } from './line-stream';
import { findTemporalCli } from './temporal-cli';

/** Ports `docket dev` uses (the CLI's own defaults). Tests use free ports instead. */
export const DEFAULT_DEV_PORT = 7233;
export const DEFAULT_UI_PORT = 8233;

export interface DevServerOptions {
  /** Directory for `temporal.db` (created if missing). Reuse it to keep cases across restarts. */
  dataDir: string;
  /** Frontend gRPC port. Default: a free port. */
  port?: number;
  /** Web UI port. Default: `port + 1000` when `port` is given, else a free port. */
  uiPort?: number;
  /** Namespace to create and register the search attributes on. Default `default`. */
  namespace?: string;
  /** Receives every line the server prints (stdout and stderr). */
  onLog?: (line: string) => void;
  /** The `temporal` binary. Default: `findTemporalCli()` (no build). */
  cliPath?: string;
  /** Search attributes to register. Default: docket's `SEARCH_ATTRIBUTE_TYPES`. */
  searchAttributes?: Record<string, SearchAttributeTypeName>;
  /** How long to wait for the frontend to answer. Default 60 s. */
  startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL. Default 10 s. */
  stopTimeoutMs?: number;
}

export interface DevServer {
  /** Frontend address, `127.0.0.1:<port>`. */
  address: string;
  uiUrl: string;
  namespace: string;
  /** Process id of the server (for diagnostics). */
  pid: number;
  /** Resolves when the server process ends (by `stop()` or not), saying how: `exited with code 1`. */
  exited: Promise<string>;
  /** SIGTERM, wait, SIGKILL after `stopTimeoutMs`. Safe to call twice. */
  stop(): Promise<void>;
}

/** The server exited or did not answer in time. `output` holds its last lines. */
export class DevServerError extends Error {
  override name = 'DevServerError';
  constructor(
    message: string,
    readonly output: string[],
  ) {
    super(message);
  }
}

/** Starts the dev server and resolves once its frontend answers and the search attributes exist. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const namespace = options.namespace ?? 'default';
  const cli = options.cliPath ?? (await findTemporalCli());
  const port = options.port ?? (await freePort());
  const uiPort = options.uiPort ?? (options.port !== undefined ? options.port + 1000 : await freePort());
  const attributes = options.searchAttributes ?? SEARCH_ATTRIBUTE_TYPES;
  // Otherwise the readiness check would happily talk to whatever already listens there.
  await assertPortFree(port, 'port');
  await assertPortFree(uiPort, 'uiPort');
  fs.mkdirSync(options.dataDir, { recursive: true });

  const args = [
    'server',
    'start-dev',
    '--db-filename',
    path.join(options.dataDir, 'temporal.db'),
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--namespace',
    namespace,
    '--log-level',
    'warn',
    ...Object.entries(attributes).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 60) tail.shift();
    options.onLog?.(line);
  };
  forEachLine(child.stdout!, onLine);
  forEachLine(child.stderr!, onLine);

  const exited = new Promise<string>((resolve) => {
    child.on('error', (err) => resolve(`could not run ${cli}: ${err.message}`));
    child.on('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`));
  });
  // If this process exits without stop(), do not leave the server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const address = `127.0.0.1:${port}`;
  const stop = once(async () => {
    process.off('exit', killOnExit);
    await terminate(child, exited, options.stopTimeoutMs ?? 10_000);
  });

  const gaveUp = new AbortController();
  try {
    await Promise.race([
      waitUntilReady(address, namespace, attributes, options.startTimeoutMs ?? 60_000, gaveUp.signal),
      exited.then((how) => Promise.reject(new DevServerError(`the Temporal dev server ${how}`, tail))),
    ]);
  } catch (err) {
    gaveUp.abort();
    await stop();
    if ((err as Error).name === 'SearchAttributeError') throw err;
    throw new DevServerError(
      `${(err as Error).message} (${cli} ${args.slice(0, 2).join(' ')} on port ${port}, data in ${options.dataDir}).` +
        `\nServer output:\n${tail.join('\n') || '(none)'}`,
      tail,
    );
  }

  return { address, uiUrl: `http://127.0.0.1:${uiPort}`, namespace, pid: child.pid!, exited, stop };
}

/** Polls until the frontend answers for `namespace`, then registers missing search attributes. */
async function waitUntilReady(
  address: string,
  namespace: string,
  attributes: Record<string, SearchAttributeTypeName>,
  timeoutMs: number,
  gaveUp: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline && !gaveUp.aborted) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.workflowService.describeNamespace({ namespace });
      await ensureSearchAttributes(connection, namespace, attributes);
      return;
    } catch (err) {
      lastError = err;
      if ((err as Error).name === 'SearchAttributeError') throw err;
    } finally {
      await connection?.close();
    }
    await sleep(250);
  }
  throw new DevServerError(
    `the Temporal dev server did not answer on ${address} within ${Math.round(timeoutMs / 1000)}s ` +
      `(last error: ${(lastError as Error | undefined)?.message ?? 'none'})`,
    [],
  );
}

async function terminate(child: ChildProcess, exited: Promise<string>, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMs);
  });
  const forced = await Promise.race([exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (forced) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** A port the OS says is free now (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function assertPortFree(port: number, option: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new DevServerError(
      `port ${port} (${option}) is already in use, perhaps by another Temporal server. ` + 'Stop it, or choose another port.',
      [],
    );
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let promise: Promise<void> | undefined;
  return () => (promise ??= fn());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
