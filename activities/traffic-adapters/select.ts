/**
 * Which adapters the worker's `setTrafficWeight` and `checkHealth` use, from its configuration:
 *
 * | Variable | Meaning | Default |
 * |---|---|---|
 * | `DOCKET_HEALTH_SOURCE` | `router`: the `http-admin` stats route of the input's `routerUrl`; `prometheus`: PromQL queries | `router` |
 * | `DOCKET_PROMETHEUS_URL` | Prometheus base URL (required with `prometheus`) | |
 * | `DOCKET_PROMETHEUS_REQUESTS_QUERY`, `…_ERRORS_QUERY`, `…_P95_QUERY` | PromQL templates (prometheus.ts) | `http_requests_total` / `http_request_duration_seconds` |
 * | `DOCKET_ROUTER_TIMEOUT_MS` | per-request timeout of every adapter call | 5000 |
 *
 * Traffic weights always go through the `http-admin` API of the input's `routerUrl`.
 * Read on every call (cheap); the worker also reads it once at start (worker/main.ts), so a wrong
 * setting stops the worker with a message naming the variable rather than failing releases.
 */
import { ConfigError } from '../../worker/config';
import { httpAdminHealth, httpAdminShifter } from './http-admin';
import type { HealthSource, TrafficShifter } from './ports';
import { prometheusHealth } from './prometheus';

export const HEALTH_SOURCES = ['router', 'prometheus'] as const;

export interface TrafficAdapters {
  shifter: TrafficShifter;
  health: HealthSource;
}

export function trafficAdapters(env: NodeJS.ProcessEnv = process.env): TrafficAdapters {
  const source = env.DOCKET_HEALTH_SOURCE?.trim() || 'router';
  if (source === 'router') return { shifter: httpAdminShifter, health: httpAdminHealth };
  if (source !== 'prometheus') throw new ConfigError('DOCKET_HEALTH_SOURCE', `must be ${HEALTH_SOURCES.join(' or ')}, got "${source}"`);
  const url = env.DOCKET_PROMETHEUS_URL?.trim();
  if (!url)
    throw new ConfigError('DOCKET_PROMETHEUS_URL', 'is required with DOCKET_HEALTH_SOURCE=prometheus (e.g. http://prometheus:9090)');
  if (!/^https?:\/\//.test(url)) throw new ConfigError('DOCKET_PROMETHEUS_URL', `must be an http(s) URL, got "${url}"`);
  const query = (name: string) => env[`DOCKET_PROMETHEUS_${name}_QUERY`]?.trim() || undefined;
  const queries = Object.fromEntries(
    Object.entries({ requests: query('REQUESTS'), errors: query('ERRORS'), p95Ms: query('P95') }).filter(([, v]) => v !== undefined),
  );
  return { shifter: httpAdminShifter, health: prometheusHealth({ url, queries }) };
}
