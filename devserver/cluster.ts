/**
 * A local Temporal cluster: the Temporal server (devserver/temporal-server.ts, v1.29.1) run as
 * four separate processes, frontend, history, matching and worker, on loopback addresses and free
 * ports, with persistence and visibility on PostgreSQL. It is what a self-hosted deployment looks
 * like, on one machine: the services find each other through the membership table in the
 * database, a history service can be killed and restarted on its own, and docket talks to the
 * frontend with the same settings a user gives for their own cluster (TEMPORAL_ADDRESS …).
 *
 * Start-up, in order:
 * 1. `temporal-sql-tool` (the server's own tool) creates the `temporal` and `temporal_visibility`
 *    databases on the given PostgreSQL and applies every schema version (`setup-schema -v 0.0`,
 *    then `update-schema -d <versioned dir>`); on an existing database it only applies what is new;
 * 2. the server's configuration is written to `<dataDir>/config/development.yaml` (and the dynamic
 *    configuration beside it), then each service starts as `temporal-server start --service <name>`,
 *    one after the other (each once the previous one listens);
 * 3. once the frontend answers: the namespace is registered (when missing), docket's search
 *    attributes are added (devserver/ensure-search-attributes.ts, as for the dev server), and a
 *    probe workflow is started and terminated, which proves frontend → history → persistence works.
 *
 * Each service's output goes to `<dataDir>/<service>.log`.
 *
 * @example
 *   const cluster = await startCluster({ postgres: { host: '127.0.0.1', port: 5432, user: 'docket' }, dataDir });
 *   process.env.TEMPORAL_ADDRESS = cluster.address;
 *   await cluster.kill('history');      // SIGKILL
 *   await cluster.restart('history');   // same ports, waits until it listens
 *   await cluster.stop();
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import YAML from 'yaml';
import { SEARCH_ATTRIBUTE_TYPES } from '../contract/search-attributes';
import { freePort } from './dev-server';
import { ensureSearchAttributes, type SearchAttributeTypeName } from './ensure-search-attributes';
import { forEachLine } from './line-stream';
import { findTemporalServer, type TemporalServerBuild } from './temporal-server';

const run = promisify(execFile);

export const CLUSTER_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type ClusterService = (typeof CLUSTER_SERVICES)[number];

export interface ClusterPostgres {
  host: string;
  port: number;
  /** A role that may create databases (the first start creates `temporal` and `temporal_visibility`). */
  user: string;
  password?: string;
}

export interface ClusterOptions {
  postgres: ClusterPostgres;
  /** Configuration and service logs. Created when missing. */
  dataDir: string;
  /** Namespace to register with docket's search attributes. Default `default`. */
  namespace?: string;
  /** History shards (fixed for the life of the database). Default 4. */
  numHistoryShards?: number;
  /** Database names. Default `temporal` and `temporal_visibility`. */
  databases?: { persistence: string; visibility: string };
  /** The server build. Default: `findTemporalServer({ build: true })`. */
  build?: TemporalServerBuild;
  searchAttributes?: Record<string, SearchAttributeTypeName>;
  /** Progress lines (schema set-up, services started, readiness). */
  onProgress?: (line: string) => void;
  /** zap level of the services' logs. Default `warn`. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** How long to wait for the cluster, and for a restarted service. Default 120 s. */
  startTimeoutMs?: number;
}

/** One service process. `pid` changes when the service is restarted. */
export interface ClusterProcess {
  service: ClusterService;
  pid: number;
  grpcPort: number;
  membershipPort: number;
  /** The frontend's HTTP API port (frontend only). */
  httpPort?: number;
  log: string;
}

export interface TemporalCluster {
  /** The frontend, `127.0.0.1:<port>`: what TEMPORAL_ADDRESS is set to. */
  address: string;
  namespace: string;
  dataDir: string;
  /** The four services as they run now. */
  processes(): ClusterProcess[];
  /** Sends `signal` (default SIGKILL) to a service and resolves once its process is gone. */
  kill(service: ClusterService, signal?: NodeJS.Signals): Promise<string>;
  /** Starts a service that was killed, on its ports, and resolves once it listens. */
  restart(service: ClusterService): Promise<ClusterProcess>;
  /** SIGTERM to every service (SIGKILL after 10 s). Safe to call twice. */
  stop(): Promise<void>;
}

/** A service exited during start-up, the schema tool failed, or the cluster did not answer in time. */
export class ClusterError extends Error {
  override name = 'ClusterError';
}

interface Ports {
  grpcPort: number;
  membershipPort: number;
  httpPort?: number;
}

interface Running {
  child: ChildProcess;
  exited: Promise<string>;
}

export async function startCluster(options: ClusterOptions): Promise<TemporalCluster> {
  const say = options.onProgress ?? (() => undefined);
  const namespace = options.namespace ?? 'default';
  const databases = options.databases ?? { persistence: 'temporal', visibility: 'temporal_visibility' };
  const build = options.build ?? (await findTemporalServer({ build: true, onProgress: say }));
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  fs.mkdirSync(path.join(options.dataDir, 'config', 'dynamicconfig'), { recursive: true });

  await setUpSchema(build, options.postgres, databases.persistence, build.persistenceSchema, say);
  await setUpSchema(build, options.postgres, databases.visibility, build.visibilitySchema, say);

  const ports = await allocatePorts();
  const address = `127.0.0.1:${ports.frontend.grpcPort}`;
  writeConfig(options, databases, ports, address);

  const running = new Map<ClusterService, Running>();
  const killOnExit = () => {
    for (const { child } of running.values()) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const logOf = (service: ClusterService) => path.join(options.dataDir, `${service}.log`);
  const launch = (service: ClusterService): Running => {
    const args = [
      '--root',
      options.dataDir,
      '--config',
      'config',
      '--env',
      'development',
      '--allow-no-auth',
      'start',
      '--service',
      service,
    ];
    const child = spawn(build.server, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const log = fs.createWriteStream(logOf(service), { flags: 'a' });
    forEachLine(child.stdout!, (line) => log.write(`${line}\n`));
    forEachLine(child.stderr!, (line) => log.write(`${line}\n`));
    const exited = new Promise<string>((resolve) => {
      child.on('error', (err) => resolve(`could not run ${build.server}: ${err.message}`));
      child.on('exit', (code, signal) => {
        log.end();
        resolve(`exited with ${signal ?? `code ${code}`}`);
      });
    });
    const entry = { child, exited };
    running.set(service, entry);
    return entry;
  };

  const stop = once(async () => {
    process.off('exit', killOnExit);
    // Frontend first, so clients see the cluster go away before its back ends do.
    for (const service of CLUSTER_SERVICES) {
      const entry = running.get(service);
      if (entry) await terminate(entry, 10_000);
    }
  });

  const processes = (): ClusterProcess[] =>
    CLUSTER_SERVICES.filter((s) => running.has(s)).map((service) => ({
      service,
      pid: running.get(service)!.child.pid!,
      ...ports[service],
      log: logOf(service),
    }));

  /**
   * Resolves with `ready`, or fails with the service's last log lines when one of `services` exits
   * first; either way `ready` is told to give up (its signal), so no poll outlives the start.
   */
  const whileRunning = async (services: readonly ClusterService[], ready: (signal: AbortSignal) => Promise<void>) => {
    const gaveUp = new AbortController();
    const died = services.map((service) =>
      running.get(service)!.exited.then((how) => {
        if (!gaveUp.signal.aborted) {
          throw new ClusterError(
            `the ${service} service ${how} while starting; last lines of ${logOf(service)}:\n${tailOf(logOf(service))}`,
          );
        }
      }),
    );
    try {
      await Promise.race([ready(gaveUp.signal), ...died]);
    } finally {
      gaveUp.abort();
    }
  };

  try {
    // One after the other: each service writes the cluster metadata at its first start, and two
    // doing it at once fail with "failed to initialize current cluster metadata".
    for (const service of CLUSTER_SERVICES) {
      const entry = launch(service);
      await whileRunning([service], (signal) => waitForPort(listenPort(ports, service), timeoutMs, signal));
      say(
        `started ${service} (pid ${entry.child.pid}, gRPC 127.0.0.1:${ports[service].grpcPort}, membership :${ports[service].membershipPort})`,
      );
    }
    const attributes = options.searchAttributes ?? SEARCH_ATTRIBUTE_TYPES;
    await whileRunning(CLUSTER_SERVICES, (signal) => waitUntilReady(address, namespace, attributes, timeoutMs, signal));
    say(`cluster ready on ${address}, namespace "${namespace}" with docket's search attributes`);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    address,
    namespace,
    dataDir: options.dataDir,
    processes,
    kill: async (service, signal = 'SIGKILL') => {
      const entry = running.get(service);
      if (!entry) throw new ClusterError(`no ${service} service is running`);
      entry.child.kill(signal);
      const how = await entry.exited;
      running.delete(service);
      return how;
    },
    restart: async (service) => {
      if (running.has(service))
        throw new ClusterError(`the ${service} service still runs (pid ${running.get(service)!.child.pid}); kill it first`);
      launch(service);
      await whileRunning([service], (signal) => waitForPort(listenPort(ports, service), timeoutMs, signal));
      return processes().find((p) => p.service === service)!;
    },
    stop,
  };
}

/** The port that shows a service is up: its gRPC port; the worker service serves no gRPC, only membership. */
function listenPort(ports: Record<ClusterService, Ports>, service: ClusterService): number {
  return service === 'worker' ? ports.worker.membershipPort : ports[service].grpcPort;
}

/** Creates the database when missing and applies every schema version it does not have yet. */
async function setUpSchema(
  build: TemporalServerBuild,
  pg: ClusterPostgres,
  database: string,
  versionedDir: string,
  say: (line: string) => void,
): Promise<void> {
  const connection = [
    '--plugin',
    'postgres12',
    '--ep',
    pg.host,
    '--port',
    String(pg.port),
    '--user',
    pg.user,
    '--password',
    pg.password ?? '',
  ];
  const tool = async (...args: string[]) => {
    try {
      return (await run(build.sqlTool, [...connection, '--db', database, ...args])).stdout;
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      throw new ClusterError(
        `temporal-sql-tool ${args.join(' ')} on database "${database}" at ${pg.host}:${pg.port} failed: ` +
          `${(e.stderr || e.stdout || e.message).trim()}\nCheck that PostgreSQL is up and that user "${pg.user}" may create databases.`,
      );
    }
  };
  await tool('create-database').catch((err: Error) => {
    // A database left by an earlier start is reused: only the missing versions are applied below.
    if (!/already exists/.test(err.message)) throw err;
  });
  // setup-schema -v 0.0 creates the version table (a no-op when it exists), update-schema the rest.
  await tool('setup-schema', '-v', '0.0');
  await tool('update-schema', '-d', versionedDir);
  say(`schema of "${database}" is current (${path.relative(path.dirname(path.dirname(path.dirname(versionedDir))), versionedDir)})`);
}

/**
 * Free ports for every service. Membership ports are below 32768: the PostgreSQL schema keeps
 * them in a SMALLINT column (cluster_membership.rpc_port), and the OS hands out ephemeral ports
 * above that, so they are picked at random in 20000–32767 and checked by binding.
 */
async function allocatePorts(): Promise<Record<ClusterService, Ports>> {
  const taken = new Set<number>();
  const pick = async (candidate: () => Promise<number>) => {
    for (;;) {
      const port = await candidate();
      if (!taken.has(port) && (await isFree(port))) {
        taken.add(port);
        return port;
      }
    }
  };
  const belowSmallintMax = () => Promise.resolve(20_000 + Math.floor(Math.random() * (32_767 - 20_000)));
  const ports = {} as Record<ClusterService, Ports>;
  for (const service of CLUSTER_SERVICES) {
    ports[service] = { grpcPort: await pick(freePort), membershipPort: await pick(belowSmallintMax) };
  }
  ports.frontend.httpPort = await pick(freePort);
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function writeConfig(
  options: ClusterOptions,
  databases: { persistence: string; visibility: string },
  ports: Record<ClusterService, Ports>,
  address: string,
): void {
  const { postgres: pg } = options;
  const sql = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${pg.host}:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: pg.password ?? '',
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const services = Object.fromEntries(CLUSTER_SERVICES.map((service) => [service, { rpc: { ...ports[service], bindOnLocalHost: true } }]));
  const config = {
    log: { stdout: true, level: options.logLevel ?? 'warn', format: 'json' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: options.numHistoryShards ?? 4,
      // Four services × (persistence + visibility) pools share the server's max_connections.
      datastores: { 'postgres-default': sql(databases.persistence, 15), 'postgres-visibility': sql(databases.visibility, 5) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services,
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: address } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    // The system worker service reaches the frontend here.
    publicClient: { hostPort: address },
    dynamicConfigClient: { filepath: path.join(options.dataDir, 'config', 'dynamicconfig', 'cluster.yaml'), pollInterval: '10s' },
  };
  fs.writeFileSync(path.join(options.dataDir, 'config', 'development.yaml'), YAML.stringify(config));
  const dynamic = {
    // A search attribute added by the operator API is usable at once (as on the dev server)
    // rather than after the cache's refresh interval.
    'system.forceSearchAttributesCacheRefreshOnRead': [{ value: true }],
    // docket sends events as workflow Updates.
    'frontend.enableUpdateWorkflowExecution': [{ value: true }],
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted': [{ value: true }],
  };
  fs.writeFileSync(path.join(options.dataDir, 'config', 'dynamicconfig', 'cluster.yaml'), YAML.stringify(dynamic));
}

/**
 * Polls until the frontend answers, registers the namespace, adds the search attributes, and a
 * probe workflow can be started (history and persistence work) and terminated.
 */
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
      const service = connection.workflowService;
      await service.getSystemInfo({});
      const exists = await service.describeNamespace({ namespace }).then(
        () => true,
        (err: { code?: number }) => (err.code === 5 ? false : Promise.reject(err)),
      );
      if (!exists) {
        await service.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') });
      }
      // A new namespace is known to the services only after their namespace cache refreshes
      // (about 10 s): until then this fails with NOT_FOUND and the loop tries again.
      await connection.operatorService.listSearchAttributes({ namespace });
      await ensureSearchAttributes(connection, namespace, attributes);
      const workflowId = `docket-cluster-probe-${Date.now()}`;
      await service.startWorkflowExecution({
        namespace,
        workflowId,
        workflowType: { name: 'docket-cluster-probe' },
        taskQueue: { name: 'docket-cluster-probe' },
        requestId: workflowId,
      });
      await service.terminateWorkflowExecution({ namespace, workflowExecution: { workflowId }, reason: 'cluster readiness probe' });
      return;
    } catch (err) {
      lastError = err;
      if ((err as Error).name === 'SearchAttributeError') throw err;
    } finally {
      await connection?.close();
    }
    await sleep(500);
  }
  throw new ClusterError(
    `the Temporal cluster did not answer on ${address} within ${Math.round(timeoutMs / 1000)}s ` +
      `(last error: ${(lastError as Error | undefined)?.message ?? 'none'}); see the service logs beside its configuration`,
  );
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`. */
async function waitForPort(port: number, timeoutMs: number, gaveUp: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gaveUp.aborted) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await sleep(250);
  }
  throw new ClusterError(`nothing listens on 127.0.0.1:${port} after ${Math.round(timeoutMs / 1000)}s`);
}

async function terminate(entry: Running, timeoutMs: number): Promise<void> {
  const { child } = entry;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMs);
  });
  const forced = await Promise.race([entry.exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (forced) {
    child.kill('SIGKILL');
    await entry.exited;
  }
}

function tailOf(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let promise: Promise<void> | undefined;
  return () => (promise ??= fn());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
