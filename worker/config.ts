/**
 * Where the worker and the clients find Temporal: the same settings as the `temporal` CLI and
 * every Temporal SDK, read with `@temporalio/envconfig` (Temporal's own loader, so docket never
 * drifts from what `temporal` reads):
 *
 * - a TOML file of profiles, `TEMPORAL_CONFIG_FILE` or `~/.config/temporalio/temporal.toml`
 *   (`temporal config set --prop address --value …` writes it), profile `TEMPORAL_PROFILE` or
 *   `default`;
 * - environment variables over the profile: `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`,
 *   `TEMPORAL_API_KEY`, `TEMPORAL_TLS`, `TEMPORAL_TLS_CLIENT_CERT_PATH`,
 *   `TEMPORAL_TLS_CLIENT_KEY_PATH`, `TEMPORAL_TLS_SERVER_CA_CERT_PATH`, `TEMPORAL_TLS_SERVER_NAME`,
 *   `TEMPORAL_GRPC_META_<NAME>` (and the `_DATA` forms of the TLS ones).
 *
 * Defaults: `localhost:7233`, namespace `default`, no TLS (TLS on with an API key). docket adds
 * what envconfig leaves to the caller: a message naming the variable or profile entry for a
 * missing file or a malformed value, both halves of a client certificate, and a pointer to the
 * new name for the variables docket read before (`TEMPORAL_TLS_CERT` …). docket's own settings
 * (`DOCKET_*`) are worker/settings.ts. The table of both is docs/configuration.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConnectionOptions } from '@temporalio/client';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';
import type { NativeConnectionOptions, TLSConfig } from '@temporalio/worker';
import { DEFAULT_TASK_QUEUE } from '../contract/wire';
import { ConfigError } from './config-error';

export { ConfigError } from './config-error';

export const DEFAULT_ADDRESS = 'localhost:7233';

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** `undefined`: plain connection. */
  tls?: TLSConfig;
  apiKey?: string;
  /** gRPC headers sent with every call (`TEMPORAL_GRPC_META_*`, `grpc_meta` in the profile). */
  metadata?: Record<string, string>;
  /** The profile read (`default` unless `TEMPORAL_PROFILE`), and the file it came from, if any. */
  profile: string;
  configFile?: string;
}

/** Options accepted by both `NativeConnection.connect` (worker) and `Connection.connect` (client). */
export type DocketConnectionOptions = Pick<NativeConnectionOptions, 'address' | 'tls' | 'apiKey' | 'metadata'> &
  Pick<ConnectionOptions, 'address' | 'tls' | 'apiKey' | 'metadata'>;

/** What docket read before it used envconfig, and the name to use now. */
const RENAMED: Record<string, string> = {
  TEMPORAL_TLS_CERT: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_KEY: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  TEMPORAL_TLS_CA: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
};

/** Reads the settings; throws `ConfigError` naming the variable, profile entry or file that is wrong. */
export function loadTemporalConfig(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  // Empty values count as unset, as they always have for docket.
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value.trim() !== '') vars[name] = value.trim();

  for (const [old, now] of Object.entries(RENAMED)) {
    if (vars[old])
      throw new ConfigError(
        old,
        `is no longer read: docket uses Temporal's own setting names now; set ${now} instead (docs/configuration.md)`,
      );
  }
  if (vars.TEMPORAL_TLS !== undefined && !/^(true|false|1|0)$/i.test(vars.TEMPORAL_TLS)) {
    throw new ConfigError('TEMPORAL_TLS', `expected true or false, got "${vars.TEMPORAL_TLS}"`);
  }
  const configFile = vars.TEMPORAL_CONFIG_FILE ?? defaultConfigFile(vars);
  if (vars.TEMPORAL_CONFIG_FILE && !fs.existsSync(configFile)) {
    throw new ConfigError(
      'TEMPORAL_CONFIG_FILE',
      `no such file "${configFile}" (unset it to use ${defaultConfigFile({ ...vars, TEMPORAL_CONFIG_FILE: '' })}, or write one with \`temporal config set\`)`,
    );
  }
  const profileName = vars.TEMPORAL_PROFILE ?? 'default';
  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({ profile: vars.TEMPORAL_PROFILE, overrideEnvVars: vars, configFileStrict: true });
  } catch (err) {
    const message = (err as Error).message;
    if (/Profile '.*' not found/.test(message)) throw new ConfigError('TEMPORAL_PROFILE', `no profile "${profileName}" in ${configFile}`);
    throw new ConfigError(
      vars.TEMPORAL_CONFIG_FILE ? 'TEMPORAL_CONFIG_FILE' : configFile,
      `cannot read the Temporal configuration: ${message}`,
    );
  }

  const where = (entry: string, variable: string) => (vars[variable] ? variable : `${configFile} [profile.${profileName}] ${entry}`);
  const address = profile.address ?? DEFAULT_ADDRESS;
  if (/^[a-z]+:\/\//i.test(address) || /\s/.test(address)) {
    throw new ConfigError(where('address', 'TEMPORAL_ADDRESS'), `expected host:port (e.g. localhost:7233), got "${address}"`);
  }
  const tlsSettings = profile.tls;
  if (tlsSettings && !tlsSettings.disabled) {
    const cert = tlsSettings.clientCert;
    const key = tlsSettings.clientKey;
    // The missing half is named the way the present one was given: a variable, or a profile entry.
    const fromEnv = (variable: string) => Boolean(vars[variable] ?? vars[variable.replace(/_PATH$/, '_DATA')]);
    const missingHalf = (entry: string, variable: string, other: string) =>
      fromEnv(other) ? variable : `${configFile} [profile.${profileName}] ${entry}`;
    if (cert && !key)
      throw new ConfigError(
        missingHalf('tls.client_key_path', 'TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_CLIENT_CERT_PATH'),
        'is required with a client certificate (mTLS needs both)',
      );
    if (key && !cert)
      throw new ConfigError(
        missingHalf('tls.client_cert_path', 'TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH'),
        'is required with a client key (mTLS needs both)',
      );
    checkReadable(cert, where('tls.client_cert_path', 'TEMPORAL_TLS_CLIENT_CERT_PATH'));
    checkReadable(key, where('tls.client_key_path', 'TEMPORAL_TLS_CLIENT_KEY_PATH'));
    checkReadable(tlsSettings.serverCACert, where('tls.server_ca_cert_path', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH'));
  }

  const { connectionOptions, namespace } = toClientOptions(profile);
  const tls =
    connectionOptions.tls && typeof connectionOptions.tls === 'object'
      ? withoutUndefined(connectionOptions.tls)
      : connectionOptions.tls === true
        ? {}
        : undefined;
  return {
    address,
    namespace: namespace ?? 'default',
    taskQueue: vars.DOCKET_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    ...(tls ? { tls } : {}),
    ...(connectionOptions.apiKey ? { apiKey: connectionOptions.apiKey as string } : {}),
    ...(connectionOptions.metadata && Object.keys(connectionOptions.metadata).length
      ? { metadata: connectionOptions.metadata as Record<string, string> }
      : {}),
    profile: profileName,
    ...(fs.existsSync(configFile) ? { configFile } : {}),
  };
}

/** Connection options for `NativeConnection.connect` or `Connection.connect`. */
export function connectionOptions(cfg: TemporalConfig): DocketConnectionOptions {
  return {
    address: cfg.address,
    ...(cfg.tls ? { tls: cfg.tls } : {}),
    ...(cfg.apiKey ? { apiKey: cfg.apiKey } : {}),
    ...(cfg.metadata ? { metadata: cfg.metadata } : {}),
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
    profile: cfg.profile,
    ...(cfg.configFile ? { configFile: cfg.configFile } : {}),
  };
}

/** Where envconfig looks when `TEMPORAL_CONFIG_FILE` is unset (the temporal CLI's place), for messages. */
function defaultConfigFile(vars: Record<string, string>): string {
  if (process.platform === 'win32') return path.join(vars.APPDATA ?? '%APPDATA%', 'temporalio', 'temporal.toml');
  if (process.platform === 'darwin') return path.join(vars.HOME ?? '~', 'Library', 'Application Support', 'temporalio', 'temporal.toml');
  return path.join(vars.XDG_CONFIG_HOME || path.join(vars.HOME ?? '~', '.config'), 'temporalio', 'temporal.toml');
}

function checkReadable(source: ConfigDataSource | undefined, where: string): void {
  if (!source || !('path' in source)) return;
  try {
    fs.accessSync(source.path, fs.constants.R_OK);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ConfigError(where, `cannot read "${source.path}": ${reason}`);
  }
}

function withoutUndefined(tls: TLSConfig): TLSConfig {
  return Object.fromEntries(Object.entries(tls).filter(([, v]) => v !== undefined)) as TLSConfig;
}
