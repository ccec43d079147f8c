/**
 * The gray-release activities, over the traffic and health adapters (activities/traffic-adapters/):
 *
 * - `setTrafficWeight` sets the share of requests (0–100 %) the canary gets, through the traffic
 *   shifter. Setting a weight is idempotent by nature, so a retry needs no key.
 * - `checkHealth` reads one version's requests, failures and p95 latency since a time from the
 *   health source (the router's counters, or Prometheus) and judges them against the
 *   definition's thresholds. It reports a measurement, not an exception: a failing check returns
 *   `verdict: "unhealthy"` with the numbers and reasons, so the definition decides what to do
 *   (roll back) and the numbers land in the timeline as the invoke's output.
 *
 * Which adapters: `DOCKET_HEALTH_SOURCE` and friends (traffic-adapters/select.ts). An unreachable
 * system is a retryable failure (`ROUTER_UNAVAILABLE`, `METRICS_UNAVAILABLE`); a refusal (4xx), a
 * bad input and a wrong worker setting are not.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ConfigError } from '../worker/config';
import { INVALID_ACTIVITY_INPUT, inputObject, requiredString } from './input';
import type { ActivityName } from './catalog';
import { trafficAdapters, type TrafficAdapters } from './traffic-adapters/select';

export { METRICS_REFUSED, METRICS_UNAVAILABLE, ROUTER_REFUSED, ROUTER_UNAVAILABLE } from './traffic-adapters/errors';
export { DEFAULT_ROUTER_TIMEOUT_MS } from './traffic-adapters/http-json';

/** Error type of a worker setting that is wrong (not retried: an operator must fix it). */
export const WORKER_MISCONFIGURED = 'WORKER_MISCONFIGURED';

export interface SetTrafficWeightInput {
  /** Base URL of the router, e.g. `http://127.0.0.1:4100`. */
  routerUrl: string;
  /** Share of requests for the new version, 0–100. */
  weight: number;
}

export interface SetTrafficWeightResult {
  weight: number;
  /** The weight before this call. */
  previous: number;
  at: string;
}

export async function setTrafficWeight(input: SetTrafficWeightInput): Promise<SetTrafficWeightResult> {
  const fields = inputObject('setTrafficWeight', input);
  present('setTrafficWeight', fields, { routerUrl: ROUTER_HINT, weight: WEIGHT_HINT });
  const routerUrl = baseUrl('setTrafficWeight', fields);
  const weight = number('setTrafficWeight', fields, 'weight', WEIGHT_HINT, 0, 100);
  const body = await adapters('setTrafficWeight').shifter.setWeight({ routerUrl }, weight, Context.current().cancellationSignal);
  Context.current().log.info('setTrafficWeight: weight set', { routerUrl, weight: body.weight, previous: body.previous });
  return { weight: body.weight, previous: body.previous, at: new Date().toISOString() };
}

export interface CheckHealthInput {
  routerUrl: string;
  /** The version to judge, e.g. `v2`. */
  version: string;
  /** Highest acceptable share of 5xx answers, 0–1 (e.g. 0.02 for 2 %). */
  maxErrorRate: number;
  /** Highest acceptable 95th-percentile latency in milliseconds. */
  maxP95Ms: number;
  /** Fewer requests than this in the window cannot be judged: the verdict is `inconclusive`. */
  minRequests: number;
  /** Window start, ms since the epoch (default: everything the router has recorded). */
  since?: number;
}

export interface HealthMeasurement {
  /** `unhealthy` when a threshold is broken; `inconclusive` when there were too few requests to judge. */
  verdict: 'healthy' | 'unhealthy' | 'inconclusive';
  version: string;
  /** Router's weight for the new version when measured. */
  weight: number;
  requests: number;
  errors: number;
  errorRate: number;
  p95Ms: number;
  since: number;
  until: number;
  maxErrorRate: number;
  maxP95Ms: number;
  minRequests: number;
  /** Why the verdict is not `healthy`, e.g. `error rate 31.0% > 2.0%`. */
  reasons: string[];
}

export async function checkHealth(input: CheckHealthInput): Promise<HealthMeasurement> {
  const fields = inputObject('checkHealth', input);
  present('checkHealth', fields, {
    routerUrl: ROUTER_HINT,
    version: 'the version to judge, e.g. "v2"',
    maxErrorRate: 'the highest acceptable error rate, 0–1',
    maxP95Ms: 'the highest acceptable p95 latency in ms',
    minRequests: 'the fewest requests a verdict needs',
  });
  const routerUrl = baseUrl('checkHealth', fields);
  const version = requiredString('checkHealth', fields, 'version', 'the version to judge, e.g. "v2"');
  const maxErrorRate = number('checkHealth', fields, 'maxErrorRate', 'the highest acceptable error rate, 0–1', 0, 1);
  const maxP95Ms = number('checkHealth', fields, 'maxP95Ms', 'the highest acceptable p95 latency in ms', 0);
  const minRequests = number('checkHealth', fields, 'minRequests', 'the fewest requests a verdict needs', 0);
  const since =
    fields.since === undefined || fields.since === null
      ? 0
      : number('checkHealth', fields, 'since', 'the window start in ms since the epoch', 0);

  const { shifter, health } = adapters('checkHealth');
  const signal = Context.current().cancellationSignal;
  const reading = await health.measure({ routerUrl }, version, { since }, signal);
  const weight = reading.weight ?? (await shifter.currentWeight({ routerUrl }, signal));
  const v = { ...reading, errorRate: reading.requests ? reading.errors / reading.requests : 0 };
  const reasons: string[] = [];
  if (v.requests < minRequests)
    reasons.push(`only ${v.requests} requests to ${version} since the window started (${minRequests} needed to judge)`);
  else {
    if (v.errorRate > maxErrorRate)
      reasons.push(`error rate ${pct(v.errorRate)} > ${pct(maxErrorRate)} (${v.errors} of ${v.requests} requests failed)`);
    if (v.p95Ms > maxP95Ms) reasons.push(`p95 latency ${v.p95Ms} ms > ${maxP95Ms} ms`);
  }
  const verdict = v.requests < minRequests ? 'inconclusive' : reasons.length ? 'unhealthy' : 'healthy';
  const measurement: HealthMeasurement = {
    verdict,
    version,
    weight,
    requests: v.requests,
    errors: v.errors,
    errorRate: Math.round(v.errorRate * 10_000) / 10_000,
    p95Ms: v.p95Ms,
    since: reading.since,
    until: reading.until,
    maxErrorRate,
    maxP95Ms,
    minRequests,
    reasons,
  };
  Context.current().log.info(`checkHealth: ${version} ${verdict}`, { ...measurement });
  return measurement;
}

const pct = (rate: number) => `${(rate * 100).toFixed(1)}%`;

function invalid(activity: ActivityName, message: string): never {
  throw ApplicationFailure.nonRetryable(`${activity}: ${message}; set it in the invoke's with: map`, INVALID_ACTIVITY_INPUT);
}

const ROUTER_HINT = 'the base URL of the traffic router';
const WEIGHT_HINT = 'the share of traffic for the new version, 0–100';

/** Names the first missing field before any field's type is judged. */
function present(activity: ActivityName, fields: Record<string, unknown>, hints: Record<string, string>): void {
  for (const [field, hint] of Object.entries(hints))
    if (fields[field] === undefined || fields[field] === null) invalid(activity, `missing "${field}" (${hint})`);
}

function baseUrl(activity: ActivityName, fields: Record<string, unknown>): string {
  const raw = requiredString(activity, fields, 'routerUrl', ROUTER_HINT);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return invalid(activity, `"routerUrl" is not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') invalid(activity, `"routerUrl" must be http(s), got ${JSON.stringify(raw)}`);
  return url.href.replace(/\/+$/, '');
}

function number(activity: ActivityName, fields: Record<string, unknown>, field: string, hint: string, min: number, max = Infinity): number {
  const value = fields[field];
  if (value === undefined || value === null) invalid(activity, `missing "${field}" (${hint})`);
  if (typeof value !== 'number' || !Number.isFinite(value))
    invalid(activity, `"${field}" (${hint}) must be a number, got ${JSON.stringify(value)}`);
  if (value < min || value > max)
    invalid(activity, `"${field}" (${hint}) must be from ${min}${max === Infinity ? '' : ` to ${max}`}, got ${value}`);
  return value;
}

/** The configured adapters; a wrong setting fails the activity for good, naming the variable. */
function adapters(activity: ActivityName): TrafficAdapters {
  try {
    return trafficAdapters();
  } catch (err) {
    if (err instanceof ConfigError)
      throw ApplicationFailure.nonRetryable(`${activity}: worker configuration: ${err.message}`, WORKER_MISCONFIGURED);
    throw err;
  }
}
