/**
 * The `prometheus` health adapter: the new version's requests, failures and p95 latency from
 * PromQL instant queries (`GET <url>/api/v1/query?query=…&time=…`, Prometheus's HTTP API), so a
 * release is judged on the metrics the services already export rather than on a router's own
 * counters. Weights still go through the traffic shifter.
 *
 * The queries are templates: `{{version}}` is the version being judged (the activity input's
 * `version`, as a label value) and `{{window}}` the window as a PromQL duration (`90s`), from the
 * check's `since` to now. The defaults assume the common `http_requests_total` counter and
 * `http_request_duration_seconds` histogram with `version` and `code` labels; set your own with
 * `DOCKET_PROMETHEUS_REQUESTS_QUERY`, `DOCKET_PROMETHEUS_ERRORS_QUERY`, `DOCKET_PROMETHEUS_P95_QUERY`
 * (the p95 query must give milliseconds). An empty result counts as 0 (no such requests); a
 * result with more than one series is refused (the query must sum to one number).
 */
import { ApplicationFailure } from '@temporalio/common';
import { METRICS_REFUSED, METRICS_UNAVAILABLE } from './errors';
import { requestJson } from './http-json';
import type { HealthReading, HealthSource, HealthWindow, TrafficTarget } from './ports';

export const DEFAULT_PROMETHEUS_QUERIES = {
  requests: 'sum(increase(http_requests_total{version="{{version}}"}[{{window}}]))',
  errors: 'sum(increase(http_requests_total{version="{{version}}",code=~"5.."}[{{window}}]))',
  p95Ms: '1000 * histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{version="{{version}}"}[{{window}}])))',
} as const;

/** A check with no window start (`since` 0) looks back this far. */
export const DEFAULT_LOOKBACK_SECONDS = 3600;

export interface PrometheusOptions {
  /** Base URL of Prometheus (or anything with its query API: Thanos, Mimir, VictoriaMetrics). */
  url: string;
  queries?: Partial<Record<keyof typeof DEFAULT_PROMETHEUS_QUERIES, string>>;
  /** Default `Date.now`. */
  now?: () => number;
}

interface QueryAnswer {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: Array<{ metric?: Record<string, string>; value?: [number, string] }> };
}

export function prometheusHealth(options: PrometheusOptions): HealthSource {
  const base = options.url.replace(/\/+$/, '');
  const queries = { ...DEFAULT_PROMETHEUS_QUERIES, ...options.queries };
  const now = options.now ?? Date.now;

  const query = async (name: keyof typeof queries, version: string, window: string, at: number, signal: AbortSignal): Promise<number> => {
    const promql = queries[name].replaceAll('{{version}}', version.replace(/["\\]/g, '\\$&')).replaceAll('{{window}}', window);
    const url = `${base}/api/v1/query?query=${encodeURIComponent(promql)}&time=${(at / 1000).toFixed(3)}`;
    const answer = (await requestJson({
      activity: 'checkHealth',
      system: 'Prometheus',
      url,
      method: 'GET',
      signal,
      types: { unavailable: METRICS_UNAVAILABLE, refused: METRICS_REFUSED },
    })) as QueryAnswer;
    if (answer.status !== 'success')
      throw ApplicationFailure.retryable(
        `checkHealth: Prometheus answered ${answer.status ?? 'no status'} to ${promql}: ${answer.error ?? ''}`,
        METRICS_UNAVAILABLE,
      );
    const result = answer.data?.result ?? [];
    if (answer.data?.resultType !== 'vector' || result.length > 1) {
      throw ApplicationFailure.nonRetryable(
        `checkHealth: the ${name} query must give one number (an instant vector of at most one series), got ${answer.data?.resultType} with ${result.length} series: ${promql}`,
        METRICS_REFUSED,
      );
    }
    const value = Number(result[0]?.value?.[1] ?? 0);
    return Number.isFinite(value) ? value : 0; // NaN: a quantile of no requests
  };

  return {
    async measure(_target: TrafficTarget, version: string, window: HealthWindow, signal: AbortSignal): Promise<HealthReading> {
      const until = now();
      const seconds = window.since > 0 ? Math.max(1, Math.ceil((until - window.since) / 1000)) : DEFAULT_LOOKBACK_SECONDS;
      const range = `${seconds}s`;
      const [requests, errors, p95Ms] = await Promise.all([
        query('requests', version, range, until, signal),
        query('errors', version, range, until, signal),
        query('p95Ms', version, range, until, signal),
      ]);
      // increase() extrapolates: counts come back fractional; a request is a whole one.
      return {
        requests: Math.round(requests),
        errors: Math.round(errors),
        p95Ms: Math.round(p95Ms * 10) / 10,
        since: until - seconds * 1000,
        until,
      };
    },
  };
}
