/**
 * The worker's logger (pino), and the bridge that sends the Temporal SDK's logs through it.
 *
 * - `DOCKET_LOG_FORMAT`: `json` or `pretty`. Default: pretty when stdout is a terminal, else JSON
 *   (one object a line, for log shippers).
 * - `DOCKET_LOG_LEVEL`: `trace` `debug` `info` `warn` `error` `fatal` `silent`. Default `info`.
 *
 * @example
 *   const logger = createLogger();
 *   installRuntimeLogging(logger); // before any NativeConnection or Worker
 */
import pino, { type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';
import { IllegalStateError, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { Logger as SdkLogger, LogLevel, LogMetadata } from '@temporalio/worker';
import { ConfigError } from './config';
import { oncePerStuckRun } from './task-failure-log';

export type { PinoLogger };

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
type Level = (typeof LEVELS)[number];

export interface CreateLoggerOptions {
  /** Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Level; overrides `DOCKET_LOG_LEVEL`. */
  level?: string;
  /** Whether stdout is a terminal (decides the default format). Default `process.stdout.isTTY`. */
  isTTY?: boolean;
  /** Where lines go. Default stdout. */
  destination?: NodeJS.WritableStream;
  /** Fields on every line, e.g. `{ service: 'docket-worker' }`. */
  base?: Record<string, unknown>;
}

/** Builds the pino logger from `DOCKET_LOG_FORMAT` and `DOCKET_LOG_LEVEL`; throws `ConfigError` on a bad value. */
export function createLogger(options: CreateLoggerOptions = {}): PinoLogger {
  const env = options.env ?? process.env;
  const rawLevel = options.level ?? env.DOCKET_LOG_LEVEL;
  const level = (rawLevel?.trim().toLowerCase() || 'info') as Level;
  if (!LEVELS.includes(level)) {
    throw new ConfigError('DOCKET_LOG_LEVEL', `expected one of ${LEVELS.join(', ')}, got "${rawLevel}"`);
  }
  const format = env.DOCKET_LOG_FORMAT?.trim().toLowerCase() || ((options.isTTY ?? process.stdout.isTTY) ? 'pretty' : 'json');
  if (format !== 'json' && format !== 'pretty') {
    throw new ConfigError('DOCKET_LOG_FORMAT', `expected json or pretty, got "${env.DOCKET_LOG_FORMAT}"`);
  }
  const pinoOptions = {
    level,
    base: options.base ?? {},
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  if (format === 'pretty') {
    // A stream in this thread rather than a transport worker: simpler, and nothing is lost on exit.
    const stream = pretty({
      colorize: options.isTTY ?? process.stdout.isTTY ?? false,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      ...(options.destination ? { destination: options.destination } : {}),
    });
    return pino(pinoOptions, stream);
  }
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

/**
 * The Temporal SDK `Logger` interface over pino. SDK metadata (`sdkComponent`, `workflowId`,
 * `runId`, `workflowType`, `activityType`, `taskQueue`, `namespace`, …) becomes pino fields.
 */
export function sdkLogger(logger: PinoLogger): SdkLogger {
  // A stuck case's workflow task fails on every retry: logged once per run (worker/task-failure-log.ts).
  const emit = oncePerStuckRun((level, message, fields) => {
    const method = level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
    (logger[method] ?? logger.info).call(logger, fields, message);
  });
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const fields: Record<string, unknown> = {};
    // Only string keys: the SDK also passes symbols (e.g. its LogTimestamp), which JSON cannot carry.
    if (meta) for (const key of Object.keys(meta)) fields[key] = meta[key];
    emit(level, message, fields);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}

let installed = false;

/**
 * Installs the Temporal runtime with `logger` receiving SDK logs, workflow/activity `log` calls and
 * the Rust core's warnings, and, with `metricsAddress` (host:port), a Prometheus endpoint
 * (`/metrics`) for the worker's metrics and the cases' business metrics. Must run before any `NativeConnection` or `Worker` is created; later
 * calls do nothing. If something already created the runtime, warns and leaves it as it is.
 */
export function installRuntimeLogging(logger: PinoLogger, options: { metricsAddress?: string } = {}): void {
  if (installed) return;
  installed = true;
  try {
    Runtime.install({
      logger: sdkLogger(logger),
      telemetryOptions: {
        logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN' }) },
        // The runtime's own Prometheus exporter serves Temporal's worker metrics and docket's case
        // metrics (workflows/case-metrics.ts) on one endpoint: no second metrics library.
        ...(options.metricsAddress ? { metrics: { prometheus: { bindAddress: options.metricsAddress } } } : {}),
      },
    });
    if (options.metricsAddress)
      logger.info({ metricsAddress: options.metricsAddress }, `Prometheus metrics on http://${options.metricsAddress}/metrics`);
  } catch (err) {
    if (!(err instanceof IllegalStateError)) throw err;
    logger.warn('the Temporal runtime was created before installRuntimeLogging(); SDK logs bypass this logger');
  }
}
