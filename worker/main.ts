/**
 * The docket worker process: connects to Temporal (see worker/config.ts for the environment it
 * reads), polls the docket task queue, and drains gracefully on SIGINT/SIGTERM (a second signal
 * exits at once).
 *
 * @example
 *   npx tsx worker/main.ts
 *   TEMPORAL_ADDRESS=temporal.internal:7233 TEMPORAL_NAMESPACE=support npx tsx worker/main.ts
 */
import { NativeConnection } from '@temporalio/worker';
import { activities, closeStore, migrateStore } from '../activities';
import { trafficAdapters } from '../activities/traffic-adapters/select';
import { connectionOptions, describeConfig, loadTemporalConfig } from './config';
import { createDocketWorker } from './create-worker';
import { checkDocketVariables } from './settings';
import { createLogger, installRuntimeLogging, type PinoLogger } from './logger';
import { ConfigError } from './config-error';
import { startTracing } from '../client/tracing-provider';

export interface RunWorkerOptions {
  /** Aborting it shuts the worker down (as SIGINT/SIGTERM do). */
  signal?: AbortSignal;
  /** Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Default: `createLogger()` from `DOCKET_LOG_FORMAT` / `DOCKET_LOG_LEVEL`. */
  logger?: PinoLogger;
  /** Default: the shipped activities. Tests pass wrapped ones (e.g. a worker that dies after a payment). */
  activities?: typeof activities;
}

/** `DOCKET_METRICS_ADDRESS`: host:port of the Prometheus endpoint, e.g. `0.0.0.0:9464`; unset, none. */
export function metricsAddress(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.DOCKET_METRICS_ADDRESS?.trim();
  if (!raw) return undefined;
  if (!/^[^\s:]+:\d{1,5}$/.test(raw) || Number(raw.slice(raw.lastIndexOf(':') + 1)) > 65535) {
    throw new ConfigError('DOCKET_METRICS_ADDRESS', `must be host:port, e.g. 0.0.0.0:9464 or 127.0.0.1:9464; got "${raw}"`);
  }
  return raw;
}

/** Runs the worker until a shutdown signal or `signal` aborts; resolves once drained and closed. */
export async function runWorker(options: RunWorkerOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger({ env });
  // Config first: an installed but unused Temporal runtime would keep the process alive after an error.
  checkDocketVariables(env);
  const config = loadTemporalConfig(env);
  // The gray-release adapters' settings, checked now rather than at a release's first check.
  trafficAdapters(env);
  installRuntimeLogging(logger, { metricsAddress: metricsAddress(env) });
  // Off unless OTEL_* says where spans go (docs/tracing.md); a bad value stops the worker here.
  const tracing = await startTracing('docket-worker', env);
  if (tracing) logger.info({ exporter: 'otlp' }, 'tracing on: spans of workflows and activities are exported over OTLP');
  // The activity store first: a worker that cannot reach its store (or finds it on an older
  // schema) would fail every side effect; better to say so at start, with the location.
  const { store, report } = await migrateStore();
  logger.info(
    { store: store.kind, location: store.location, schemaVersion: report.current, migrated: report.applied },
    'activity store ready',
  );

  const connection = await NativeConnection.connect(connectionOptions(config));
  try {
    const worker = await createDocketWorker({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      activities: options.activities ?? activities,
      logger,
      env,
      tracing,
    });

    if (options.signal?.aborted) return;
    const shutdown = (reason: string) => {
      if (worker.getState() !== 'RUNNING') return;
      logger.info({ reason }, 'draining the worker: finishing running tasks');
      worker.shutdown();
    };
    const onSignal = (signal: NodeJS.Signals) => shutdown(signal);
    // `once`: after the first signal Node's default handling returns, so a second one exits.
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const onAbort = () => shutdown('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });

    logger.info(describeConfig(config), 'docket worker started');
    try {
      await worker.run();
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      options.signal?.removeEventListener('abort', onAbort);
    }
    logger.info('docket worker stopped');
    await tracing?.flush();
  } finally {
    await connection.close();
    await closeStore();
  }
}

if (require.main === module) {
  runWorker().catch((err: unknown) => {
    process.stderr.write(`docket worker: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
    process.exitCode = 1;
  });
}
