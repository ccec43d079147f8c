/**
 * Where the worker (and the client) find Temporal, read from the environment.
 *
 * | Variable                   | Meaning                                                     | Default          |
 * |----------------------------|-------------------------------------------------------------|------------------|
 * | `TEMPORAL_ADDRESS`         | frontend `host:port`                                        | `localhost:7233` |
 * | `TEMPORAL_NAMESPACE`       | namespace                                                   | `default`        |
 * | `TEMPORAL_TLS_CERT`        | client certificate file (mTLS; needs `TEMPORAL_TLS_KEY`)    |                  |
 * | `TEMPORAL_TLS_KEY`         | client private key file (mTLS; needs `TEMPORAL_TLS_CERT`)   |                  |
 * | `TEMPORAL_TLS_CA`          | CA certificate file the server's certificate is checked with | system roots    |
 * | `TEMPORAL_TLS_SERVER_NAME` | TLS server name (SNI) override                              |                  |
 * | `TEMPORAL_API_KEY`         | API key (Temporal Cloud); implies TLS                       |                  |
 * | `TEMPORAL_TLS`             | `true`/`false`: force TLS on or off                         | on when any TLS setting or the API key is set |
 * | `DOCKET_TASK_QUEUE`        | task queue the docket worker polls                          | `docket`         |
 *
 * Empty values count as unset. Pure apart from reading the certificate files.
 */
import * as fs from 'node:fs';
import type { ConnectionOptions } from '@temporalio/client';
import type { NativeConnectionOptions, TLSConfig } from '@temporalio/worker';
import { DEFAULT_TASK_QUEUE } from '../contract/wire';

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** `undefined`: plain connection. */
  tls?: TLSConfig;
  apiKey?: string;
}

/** A setting is missing, malformed, or names a file that cannot be read. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    /** The environment variable at fault. */
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

/** Options accepted by both `NativeConnection.connect` (worker) and `Connection.connect` (client). */
export type DocketConnectionOptions = Pick<NativeConnectionOptions, 'address' | 'tls' | 'apiKey'> &
  Pick<ConnectionOptions, 'address' | 'tls' | 'apiKey'>;

/** Reads the settings; throws `ConfigError` naming the variable (and file) that is wrong. */
export function loadTemporalConfig(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };

  const address = get('TEMPORAL_ADDRESS') ?? 'localhost:7233';
  if (/^[a-z]+:\/\//i.test(address) || /\s/.test(address)) {
    throw new ConfigError('TEMPORAL_ADDRESS', `expected host:port (e.g. localhost:7233), got "${address}"`);
  }

  const cert = get('TEMPORAL_TLS_CERT');
  const key = get('TEMPORAL_TLS_KEY');
  if (cert && !key) throw new ConfigError('TEMPORAL_TLS_KEY', 'is required when TEMPORAL_TLS_CERT is set (mTLS needs both)');
  if (key && !cert) throw new ConfigError('TEMPORAL_TLS_CERT', 'is required when TEMPORAL_TLS_KEY is set (mTLS needs both)');
  const ca = get('TEMPORAL_TLS_CA');
  const serverName = get('TEMPORAL_TLS_SERVER_NAME');
  const apiKey = get('TEMPORAL_API_KEY');

  const forced = get('TEMPORAL_TLS');
  let useTls = Boolean(cert || ca || serverName || apiKey);
  if (forced !== undefined) {
    if (!/^(true|false|1|0)$/i.test(forced)) {
      throw new ConfigError('TEMPORAL_TLS', `expected true or false, got "${forced}"`);
    }
    useTls = /^(true|1)$/i.test(forced);
  }

  let tls: TLSConfig | undefined;
  if (useTls) {
    tls = {};
    if (cert && key) tls.clientCertPair = { crt: readFile('TEMPORAL_TLS_CERT', cert), key: readFile('TEMPORAL_TLS_KEY', key) };
    if (ca) tls.serverRootCACertificate = readFile('TEMPORAL_TLS_CA', ca);
    if (serverName) tls.serverNameOverride = serverName;
  }

  return {
    address,
    namespace: get('TEMPORAL_NAMESPACE') ?? 'default',
    taskQueue: get('DOCKET_TASK_QUEUE') ?? DEFAULT_TASK_QUEUE,
    ...(tls ? { tls } : {}),
    ...(apiKey ? { apiKey } : {}),
  };
}

/** Connection options for `NativeConnection.connect` or `Connection.connect`. */
export function connectionOptions(cfg: TemporalConfig): DocketConnectionOptions {
  return {
    address: cfg.address,
    ...(cfg.tls ? { tls: cfg.tls } : {}),
    ...(cfg.apiKey ? { apiKey: cfg.apiKey } : {}),
  };
}

/** One line for logs: where the worker connects, never the secrets. */
export function describeConfig(cfg: TemporalConfig): Record<string, unknown> {
  return {
    address: cfg.address,
    namespace: cfg.namespace,
    taskQueue: cfg.taskQueue,
    tls: cfg.tls ? (cfg.tls.clientCertPair ? 'mTLS' : 'TLS') : 'off',
    apiKey: cfg.apiKey ? 'set' : 'unset',
  };
}

function readFile(variable: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ConfigError(variable, `cannot read "${file}": ${reason}`);
  }
}
