/**
 * The gray-release router on real loopback sockets: two sample services behind it, real
 * requests through it, and the admin API the traffic activities use.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Logger } from '@temporalio/common';
import { checkHealth, setTrafficWeight, ROUTER_REFUSED, ROUTER_UNAVAILABLE, type HealthMeasurement } from '../../../activities';
import { runLoad, startGrayEnvironment, startLoad, type GrayEnvironment, type RouterStats } from '../../../examples/gray-router';

const silent: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const activity = () => new MockActivityEnvironment({ activityId: '1', activityType: 'traffic' }, { logger: silent });

/** One admin API call; `T` is the answer's shape (the router's own types, or a plain object). */
async function admin<T = Record<string, unknown>>(
  env: GrayEnvironment,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  const res = await fetch(`${env.routerUrl}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as T };
}

describe('gray router', () => {
  let env: GrayEnvironment;
  beforeAll(async () => {
    env = await startGrayEnvironment();
  });
  afterAll(async () => {
    await env.stop();
  });
  beforeEach(async () => {
    await admin(env, 'POST', '/admin/reset');
  });

  it.each([0, 5, 25, 50, 100])('sends %i%% of 400 requests to the canary (within 2%%)', async (weight) => {
    expect((await admin(env, 'PUT', '/admin/weight', { weight })).status).toBe(200);
    const summary = await runLoad({ url: env.routerUrl, maxRequests: 400, ratePerSecond: 100_000, concurrency: 8 });
    expect(summary).toMatchObject({ sent: 400, ok: 400, failed: 0 });
    const canary = summary.byVersion.v2?.ok ?? 0;
    expect(Math.abs(canary - 4 * weight)).toBeLessThanOrEqual(8);
    const stats = (await admin<RouterStats>(env, 'GET', '/admin/stats')).json;
    expect(stats.versions.v1.requests + stats.versions.v2.requests).toBe(400);
    expect(stats.versions.v2.requests).toBe(canary);
  });

  it('counts real outcomes and latency per version, and only since the time asked', async () => {
    // The router's own clock, moved by the test: the window boundary falls between the batches
    // whatever the machine's speed.
    let now = 1_000_000;
    const clocked = await startGrayEnvironment({ now: () => now });
    try {
      await admin(clocked, 'PUT', '/admin/weight', { weight: 50 });
      await runLoad({ url: clocked.routerUrl, maxRequests: 40, ratePerSecond: 100_000 });
      now = 2_000_000;
      const between = 1_500_000;
      await runLoad({ url: clocked.routerUrl, maxRequests: 20, ratePerSecond: 100_000 });
      const all = (await admin<RouterStats>(clocked, 'GET', '/admin/stats?since=0')).json;
      expect(all.versions.v1).toMatchObject({ requests: 30, errors: 0, errorRate: 0, statuses: { '200': 30 } });
      expect(all.versions.v2).toMatchObject({ requests: 30, errors: 0, statuses: { '200': 30 } });
      expect(all.versions.v2.p95Ms).toBeGreaterThan(0);
      expect(all.versions.v2.p95Ms).toBeLessThan(all.versions.v2.maxMs + 0.01);
      const recent = (await admin<RouterStats>(clocked, 'GET', `/admin/stats?since=${between}`)).json;
      expect(recent.versions.v1.requests + recent.versions.v2.requests).toBe(20);
      expect(recent).toMatchObject({ since: between, until: 2_000_000, weight: 50, stable: 'v1', canary: 'v2' });
    } finally {
      await clocked.stop();
    }
  });

  it('answers the admin API: weight read and refused, reset, unknown routes', async () => {
    expect((await admin(env, 'PUT', '/admin/weight', { weight: 25 })).json).toEqual({ weight: 25, previous: expect.any(Number) });
    expect((await admin(env, 'GET', '/admin/weight')).json).toEqual({ weight: 25, stable: 'v1', canary: 'v2' });
    const refused = await admin(env, 'PUT', '/admin/weight', { weight: 101 });
    expect(refused).toEqual({ status: 400, json: { error: 'weight must be a number from 0 to 100, got 101' } });
    expect((await admin(env, 'GET', '/admin/weight')).json.weight).toBe(25);
    await runLoad({ url: env.routerUrl, maxRequests: 10, ratePerSecond: 100_000 });
    await admin(env, 'POST', '/admin/reset');
    const stats = (await admin<RouterStats>(env, 'GET', '/admin/stats')).json;
    expect(stats.versions.v1.requests + stats.versions.v2.requests).toBe(0);
    expect((await admin(env, 'GET', '/admin/nope')).status).toBe(404);
  });
});

describe('a faulty canary behind the router', () => {
  let env: GrayEnvironment;
  beforeAll(async () => {
    env = await startGrayEnvironment({ canary: { errorRate: 0.3, extraLatencyMs: 30 } });
  });
  afterAll(async () => {
    await env.stop();
  });

  it('counts its 5xx answers and its latency; checkHealth judges it unhealthy with the numbers', async () => {
    await activity().run(setTrafficWeight, { routerUrl: env.routerUrl, weight: 50 });
    const summary = await runLoad({ url: env.routerUrl, maxRequests: 200, ratePerSecond: 100_000, concurrency: 16 });
    expect(summary.byVersion.v2).toEqual({ ok: 70, failed: 30 });
    expect(summary.byVersion.v1).toEqual({ ok: 100, failed: 0 });

    const thresholds = { routerUrl: env.routerUrl, maxErrorRate: 0.05, maxP95Ms: 20, minRequests: 50 };
    const v2 = (await activity().run(checkHealth, { ...thresholds, version: 'v2' })) as HealthMeasurement;
    expect(v2).toMatchObject({ verdict: 'unhealthy', version: 'v2', weight: 50, requests: 100, errors: 30, errorRate: 0.3 });
    expect(v2.p95Ms).toBeGreaterThanOrEqual(30);
    expect(v2.reasons).toEqual(['error rate 30.0% > 5.0% (30 of 100 requests failed)', `p95 latency ${v2.p95Ms} ms > 20 ms`]);
    const v1 = await activity().run(checkHealth, { ...thresholds, version: 'v1', maxP95Ms: 1000 });
    expect(v1).toMatchObject({ verdict: 'healthy', requests: 100, errors: 0, reasons: [] });
    const later = await activity().run(checkHealth, { ...thresholds, version: 'v2', since: Date.now() + 1000 });
    expect(later).toMatchObject({ verdict: 'inconclusive', requests: 0 });
  });
});

describe('traffic activities', () => {
  it('fail retryably when the router is unreachable and for good when it refuses', async () => {
    const env = await startGrayEnvironment();
    const routerUrl = env.routerUrl;
    // A URL that is not the router's base: its admin API answers 404, which no retry would fix.
    const refused = (await activity()
      .run(setTrafficWeight, { routerUrl: `${routerUrl}/admin/nope`, weight: 5 })
      .catch((e: Error) => e)) as Error;
    expect(refused).toMatchObject({ type: ROUTER_REFUSED, nonRetryable: true });
    expect(refused.message).toMatch(/router refused PUT .*: 404/);
    await env.stop();
    const down = await activity()
      .run(setTrafficWeight, { routerUrl, weight: 5 })
      .catch((e) => e);
    expect(down).toMatchObject({ type: ROUTER_UNAVAILABLE, nonRetryable: false });
    const bad = await activity()
      .run(setTrafficWeight, { routerUrl, weight: 500 })
      .catch((e) => e);
    expect(bad).toMatchObject({ type: 'INVALID_ACTIVITY_INPUT', nonRetryable: true });
  });

  it('the load generator refuses hosts that are not loopback and unbounded runs', () => {
    expect(() => startLoad({ url: 'http://example.com/', maxRequests: 1 })).toThrow(/only sends to loopback/);
    expect(() => startLoad({ url: 'http://127.0.0.1:9/' })).toThrow(/never runs unbounded/);
  });
});
