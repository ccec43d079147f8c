/**
 * checkHealth with the Prometheus health source: the queries it sends (templated with the version
 * and the window) and how it reads the answers. Prometheus is played by a loopback HTTP server
 * that speaks the documented `GET /api/v1/query` answer format and records every query; the
 * weight comes from a real loopback router (examples/gray-router).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Logger } from '@temporalio/common';
import { checkHealth, METRICS_REFUSED, WORKER_MISCONFIGURED, type HealthMeasurement } from '../../../activities';
import { DEFAULT_PROMETHEUS_QUERIES } from '../../../activities/traffic-adapters/prometheus';
import { startGrayEnvironment, type GrayEnvironment } from '../../../examples/gray-router';

const silent: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const activity = () => new MockActivityEnvironment({ activityId: '1', activityType: 'checkHealth' }, { logger: silent });

/** What the fake Prometheus answers per query kind (matched by the metric name in the query). */
let answers: { requests: string[]; errors: string[]; p95: string[] };
const queries: Array<{ query: string; time: number }> = [];
let prometheus: http.Server;
let prometheusUrl: string;
let gray: GrayEnvironment;

const vector = (values: string[]) => ({
  status: 'success',
  data: { resultType: 'vector', result: values.map((v) => ({ metric: {}, value: [1_700_000_000, v] })) },
});

beforeAll(async () => {
  prometheus = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://prometheus.local');
    const query = url.searchParams.get('query') ?? '';
    queries.push({ query, time: Number(url.searchParams.get('time')) });
    const kind = query.includes('_bucket') ? 'p95' : /code[=!]/.test(query) ? 'errors' : 'requests';
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(vector(answers[kind])));
  });
  await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
  prometheusUrl = `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
  gray = await startGrayEnvironment();
  gray.router.setWeight(25);
});
afterAll(async () => {
  await gray.stop();
  await new Promise((resolve) => prometheus.close(resolve));
  for (const name of ['DOCKET_HEALTH_SOURCE', 'DOCKET_PROMETHEUS_URL', 'DOCKET_PROMETHEUS_ERRORS_QUERY']) delete process.env[name];
});
beforeEach(() => {
  queries.length = 0;
  process.env.DOCKET_HEALTH_SOURCE = 'prometheus';
  process.env.DOCKET_PROMETHEUS_URL = prometheusUrl;
  delete process.env.DOCKET_PROMETHEUS_ERRORS_QUERY;
});

const input = (extra: Record<string, unknown> = {}) => ({
  routerUrl: gray.routerUrl,
  version: 'v2',
  maxErrorRate: 0.05,
  maxP95Ms: 300,
  minRequests: 10,
  ...extra,
});

describe('checkHealth on Prometheus', () => {
  it('queries requests, errors and p95 for the version over the window since the last check, and judges them', async () => {
    answers = { requests: ['200.4'], errors: ['20'], p95: ['412.37'] };
    const since = Date.now() - 90_000;
    const m = (await activity().run(checkHealth, input({ since }))) as HealthMeasurement;
    expect(m).toMatchObject({ verdict: 'unhealthy', version: 'v2', weight: 25, requests: 200, errors: 20, errorRate: 0.1, p95Ms: 412.4 });
    expect(m.reasons).toEqual(['error rate 10.0% > 5.0% (20 of 200 requests failed)', 'p95 latency 412.4 ms > 300 ms']);
    expect(queries).toHaveLength(3);
    const window = /\[(\d+)s\]/.exec(queries[0].query)![1];
    expect(Number(window)).toBeGreaterThanOrEqual(90);
    expect(queries.map((q) => q.query).sort()).toEqual(
      Object.values(DEFAULT_PROMETHEUS_QUERIES)
        .map((q) => q.replaceAll('{{version}}', 'v2').replaceAll('{{window}}', `${window}s`))
        .sort(),
    );
    // Every query is evaluated at the same instant, the end of the measured window.
    expect(new Set(queries.map((q) => q.time)).size).toBe(1);
    expect(queries[0].time * 1000).toBeCloseTo(m.until, -1);
  });

  it('counts an empty result as no requests: inconclusive, not healthy', async () => {
    answers = { requests: [], errors: [], p95: ['NaN'] };
    const m = (await activity().run(checkHealth, input())) as HealthMeasurement;
    expect(m).toMatchObject({ verdict: 'inconclusive', requests: 0, errors: 0, p95Ms: 0 });
  });

  it('uses the configured query templates', async () => {
    answers = { requests: ['50'], errors: ['0'], p95: ['12'] };
    process.env.DOCKET_PROMETHEUS_ERRORS_QUERY =
      'sum(increase(grpc_server_handled_total{app_version="{{version}}",grpc_code!="OK"}[{{window}}]))';
    const m = (await activity().run(checkHealth, input())) as HealthMeasurement;
    expect(m.verdict).toBe('healthy');
    expect(queries.map((q) => q.query)).toContain('sum(increase(grpc_server_handled_total{app_version="v2",grpc_code!="OK"}[3600s]))');
  });

  it('refuses a query that gives more than one series, for good', async () => {
    answers = { requests: ['1', '2'], errors: ['0'], p95: ['1'] };
    const err = await activity()
      .run(checkHealth, input())
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ type: METRICS_REFUSED, nonRetryable: true });
    expect((err as Error).message).toMatch(/the requests query must give one number .* 2 series/);
  });

  it('fails for good, naming the variable, when Prometheus is chosen without a URL', async () => {
    delete process.env.DOCKET_PROMETHEUS_URL;
    const err = await activity()
      .run(checkHealth, input())
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ type: WORKER_MISCONFIGURED, nonRetryable: true });
    expect((err as Error).message).toMatch(/DOCKET_PROMETHEUS_URL: is required with DOCKET_HEALTH_SOURCE=prometheus/);
  });
});
