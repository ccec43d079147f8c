/**
 * Gray-release activities that talk HTTP to the weighted router's admin API (gray/router.ts):
 *
 * - `setTrafficWeight` sets the share of requests (0–100 %) the canary gets. Setting a weight is
 *   idempotent by nature, so a retry needs no key: it sets the same weight again.
 * - `checkHealth` reads the counters of real requests to one version since a time and judges them
 *   against the definition's thresholds. It reports a measurement, not an exception: a failing
 *   check returns `verdict: "unhealthy"` with the numbers and reasons, so the definition decides
 *   what to do (roll back) and the numbers land in the timeline as the invoke's output.
 *
 * An unreachable router is a retryable failure (`ROUTER_UNAVAILABLE`); a router that refuses the
 * request (4xx) and a bad input are not.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { INVALID_ACTIVITY_INPUT, inputObject, requiredString } from './input';
import type { ActivityName } from './catalog';

/** Error type of a router that could not be reached or answered 5xx (retried by Temporal). */
export const ROUTER_UNAVAILABLE = 'ROUTER_UNAVAILABLE';
/** Error type of a router that refused the request (4xx; not retried). */
export const ROUTER_REFUSED = 'ROUTER_REFUSED';
/** Per-request timeout; override with `DOCKET_ROUTER_TIMEOUT_MS`. */
export const DEFAULT_ROUTER_TIMEOUT_MS = 5_000;

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
  const body = (await call('setTrafficWeight', `${routerUrl}/admin/weight`, { method: 'PUT', body: JSON.stringify({ weight }) })) as {
    weight: number;
    previous: number;
  };
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

interface RouterStatsBody {
  since: number;
  until: number;
  weight: number;
  versions: Record<string, { requests: number; errors: number; errorRate: number; p95Ms: number } | undefined>;
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
  const since = fields.since === undefined || fields.since === null ? 0 : number('checkHealth', fields, 'since', 'the window start in ms since the epoch', 0);

  const stats = (await call('checkHealth', `${routerUrl}/admin/stats?since=${Math.floor(since)}`, { method: 'GET' })) as RouterStatsBody;
  const v = stats.versions?.[version] ?? { requests: 0, errors: 0, errorRate: 0, p95Ms: 0 };
  const reasons: string[] = [];
  if (v.requests < minRequests) reasons.push(`only ${v.requests} requests to ${version} since the window started (${minRequests} needed to judge)`);
  else {
    if (v.errorRate > maxErrorRate) reasons.push(`error rate ${pct(v.errorRate)} > ${pct(maxErrorRate)} (${v.errors} of ${v.requests} requests failed)`);
    if (v.p95Ms > maxP95Ms) reasons.push(`p95 latency ${v.p95Ms} ms > ${maxP95Ms} ms`);
  }
  const verdict = v.requests < minRequests ? 'inconclusive' : reasons.length ? 'unhealthy' : 'healthy';
  const measurement: HealthMeasurement = {
    verdict,
    version,
    weight: stats.weight,
    requests: v.requests,
    errors: v.errors,
    errorRate: Math.round(v.errorRate * 10_000) / 10_000,
    p95Ms: v.p95Ms,
    since: stats.since,
    until: stats.until,
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
  for (const [field, hint] of Object.entries(hints)) if (fields[field] === undefined || fields[field] === null) invalid(activity, `missing "${field}" (${hint})`);
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
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(activity, `"${field}" (${hint}) must be a number, got ${JSON.stringify(value)}`);
  if (value < min || value > max) invalid(activity, `"${field}" (${hint}) must be from ${min}${max === Infinity ? '' : ` to ${max}`}, got ${value}`);
  return value;
}

/** One JSON request to the router, bounded by a timeout and the activity's cancellation. */
async function call(activity: ActivityName, url: string, init: { method: string; body?: string }): Promise<unknown> {
  const cancelled = Context.current().cancellationSignal;
  const ms = Number(process.env.DOCKET_ROUTER_TIMEOUT_MS) > 0 ? Number(process.env.DOCKET_ROUTER_TIMEOUT_MS) : DEFAULT_ROUTER_TIMEOUT_MS;
  // A controller and a timer rather than AbortSignal.any (see notify.ts: weakly held on Node 20).
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${ms}ms`)), ms);
  const onCancel = () => controller.abort(cancelled.reason);
  if (cancelled.aborted) onCancel();
  else cancelled.addEventListener('abort', onCancel, { once: true });
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      body: init.body,
      headers: init.body ? { 'content-type': 'application/json' } : undefined,
      redirect: 'error',
      signal: controller.signal,
    });
  } catch (err) {
    if (cancelled.aborted) throw cancelled.reason ?? err;
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    throw ApplicationFailure.retryable(`${activity}: router ${url} unreachable: ${(err as Error).message}${cause}`, ROUTER_UNAVAILABLE);
  } finally {
    clearTimeout(timer);
    cancelled.removeEventListener('abort', onCancel);
  }
  const text = await response.text();
  if (response.status >= 500) throw ApplicationFailure.retryable(`${activity}: router answered ${response.status}: ${text.slice(0, 200)}`, ROUTER_UNAVAILABLE);
  if (!response.ok) throw ApplicationFailure.nonRetryable(`${activity}: router refused ${init.method} ${url}: ${response.status} ${text.slice(0, 200)}`, ROUTER_REFUSED);
  try {
    return JSON.parse(text);
  } catch {
    throw ApplicationFailure.retryable(`${activity}: router answered something that is not JSON: ${text.slice(0, 200)}`, ROUTER_UNAVAILABLE);
  }
}
