/**
 * docket's own settings (`DOCKET_*` environment variables), all of them, in one table: the CLI,
 * the worker and `docket serve` refuse a `DOCKET_*` variable that is not here, with the nearest
 * name, so a typo (`DOCKET_LOG_LEVLE=debug`) is an error rather than a setting silently ignored.
 * docs/configuration.md prints this table (a unit test keeps the two the same).
 *
 * Connection settings are Temporal's own (`TEMPORAL_*`, TOML profiles), read by worker/config.ts
 * with `@temporalio/envconfig`.
 */
import { didYouMean } from '../dsl/suggest';
import { ConfigError } from './config-error';

export interface DocketSetting {
  name: string;
  /** Who reads it. */
  usedBy: 'worker' | 'cli' | 'serve' | 'all' | 'demo' | 'tests';
  meaning: string;
  default?: string;
}

export const DOCKET_SETTINGS: readonly DocketSetting[] = [
  { name: 'DOCKET_TASK_QUEUE', usedBy: 'all', meaning: 'task queue the worker polls and clients start cases on', default: 'docket' },
  {
    name: 'DOCKET_STORE_URL',
    usedBy: 'worker',
    meaning: 'activity store: `postgres://…` for PostgreSQL shared by every worker host (docs/operations.md)',
    default: 'SQLite file in DOCKET_DATA_DIR',
  },
  {
    name: 'DOCKET_DATA_DIR',
    usedBy: 'worker',
    meaning: 'directory of the activity store (SQLite) and, for `docket dev`, the server database and development keys',
    default: '.docket',
  },
  { name: 'DOCKET_LOG_LEVEL', usedBy: 'all', meaning: 'pino level: trace, debug, info, warn, error', default: 'info' },
  {
    name: 'DOCKET_METRICS_ADDRESS',
    usedBy: 'worker',
    meaning: 'host:port of the Prometheus endpoint (`/metrics`): Temporal worker metrics and case metrics (docs/metrics.md)',
    default: 'no endpoint',
  },
  { name: 'DOCKET_LOG_FORMAT', usedBy: 'all', meaning: '`json` or `pretty`', default: 'pretty on a terminal, else json' },
  { name: 'DOCKET_DEBUG', usedBy: 'cli', meaning: '`1`: print stack traces of internal errors' },
  {
    name: 'DOCKET_WORKFLOW_BUNDLE',
    usedBy: 'worker',
    meaning: 'prebuilt workflow bundle (`npm run build:bundle`)',
    default: 'bundle workflows/ at start',
  },
  {
    name: 'DOCKET_ISOLATE_EXECUTION_TIMEOUT_MS',
    usedBy: 'worker',
    meaning:
      'longest one workflow activation may run before the SDK fails the workflow task (docs/performance.md); raise it only on an oversubscribed host',
    default: '5000',
  },
  { name: 'DOCKET_MAX_CACHED_WORKFLOWS', usedBy: 'worker', meaning: 'sticky cache size (0 turns it off)', default: '1000' },
  {
    name: 'DOCKET_ALLOW_INLINE_DEFINITIONS',
    usedBy: 'worker',
    meaning: '`1`: development mode, run definitions sent in start inputs',
    default: '0',
  },
  { name: 'DOCKET_ACTOR_KEYS', usedBy: 'worker', meaning: 'JWKS file of the Ed25519 keys trusted to sign actors' },
  { name: 'DOCKET_ACTOR_SIGNING_KEY', usedBy: 'all', meaning: 'private JWK this process signs actors with' },
  { name: 'DOCKET_ALLOW_UNSIGNED_ACTORS', usedBy: 'worker', meaning: '`1`: accept events without an actor assertion', default: '0' },
  { name: 'DOCKET_WEBHOOK_URL', usedBy: 'worker', meaning: 'where `notify` POSTs messages', default: 'outbox only' },
  { name: 'DOCKET_WEBHOOK_TIMEOUT_MS', usedBy: 'worker', meaning: 'timeout of one webhook POST', default: '10000' },
  { name: 'DOCKET_ROUTER_TIMEOUT_MS', usedBy: 'worker', meaning: 'timeout of one traffic or health adapter request', default: '5000' },
  { name: 'DOCKET_HEALTH_SOURCE', usedBy: 'worker', meaning: '`router` (the router admin API) or `prometheus`', default: 'router' },
  { name: 'DOCKET_PROMETHEUS_URL', usedBy: 'worker', meaning: 'Prometheus base URL (with `DOCKET_HEALTH_SOURCE=prometheus`)' },
  {
    name: 'DOCKET_PROMETHEUS_REQUESTS_QUERY',
    usedBy: 'worker',
    meaning: 'PromQL template: requests to `{{version}}` in `{{window}}`',
    default: 'http_requests_total',
  },
  {
    name: 'DOCKET_PROMETHEUS_ERRORS_QUERY',
    usedBy: 'worker',
    meaning: 'PromQL template: failed requests',
    default: 'http_requests_total{code=~"5.."}',
  },
  {
    name: 'DOCKET_PROMETHEUS_P95_QUERY',
    usedBy: 'worker',
    meaning: 'PromQL template: p95 latency in ms',
    default: 'http_request_duration_seconds',
  },
  {
    name: 'DOCKET_DEFINITIONS_DIR',
    usedBy: 'cli',
    meaning: 'where child process definitions are found when bundling',
    default: "docket's definitions/",
  },
  { name: 'DOCKET_DEPLOYER', usedBy: 'cli', meaning: 'who deploys, for the deployment log', default: 'your user name' },
  { name: 'DOCKET_IDENTITY_CONFIG', usedBy: 'serve', meaning: 'identity provider settings file (instead of `--identity`)' },
  { name: 'DOCKET_UI_URL', usedBy: 'demo', meaning: 'Temporal Web UI address the demo prints', default: 'http://localhost:8233' },
  { name: 'DOCKET_PYTHON', usedBy: 'tests', meaning: 'Python with temporalio for the conformance test (set by .ci/run)' },
  { name: 'DOCKET_TEST_SERVER_FILE', usedBy: 'tests', meaning: 'set by the Jest global setup: where the test server is' },
  {
    name: 'DOCKET_PG_BIN',
    usedBy: 'tests',
    meaning: 'directory of the PostgreSQL server binaries for the tests (scripts/postgres-server.ts)',
    default: 'found on PATH or /usr/lib/postgresql/*/bin',
  },
  { name: 'DOCKET_TEST_KEEP_DATA', usedBy: 'tests', meaning: '`1`: keep the test server data directory' },
  {
    name: 'DOCKET_CLUSTER_CASES',
    usedBy: 'tests',
    meaning: 'cases the cluster fault test (`npm run test:cluster`) puts in flight',
    default: '500',
  },
  { name: 'DOCKET_FUZZ_SEED', usedBy: 'tests', meaning: 'seed of the event fuzz test' },
  { name: 'DOCKET_FUZZ_RUNS', usedBy: 'tests', meaning: 'runs of the event fuzz test' },
];

const KNOWN = new Set(DOCKET_SETTINGS.map((s) => s.name));

/** Throws `ConfigError` for the first `DOCKET_*` variable that is not a docket setting. */
export function checkDocketVariables(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('DOCKET_') || KNOWN.has(name)) continue;
    const hint = didYouMean(name, KNOWN);
    throw new ConfigError(
      name,
      `is not a docket setting${hint}; docket's settings are listed in docs/configuration.md (unset it, or fix its name)`,
    );
  }
}
