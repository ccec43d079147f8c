/**
 * Tracing end to end (docs/tracing.md): a client in this process and a `docket worker` process,
 * both pointed at an OTLP/HTTP receiver by OTEL_EXPORTER_OTLP_ENDPOINT, as an operator would. The
 * client's StartWorkflow span, the workflow's RunWorkflow span (made in the sandbox, exported
 * through the worker's sink) and the RunActivity span of the case's first activity (the
 * definition step) arrive in one trace; so do the update an event is sent with and its handler.
 * `docket serve` (http/server.ts, in this process) continues a caller's W3C `traceparent`: the
 * HTTP request's server span, the client's start and update spans and the workflow's spans are in
 * the caller's trace; with tracing off the header is ignored. The test waits until the spans are
 * there, however long that takes.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { ProcessDefinition } from '../../dsl/types';
import { join } from 'node:path';
import { ProcessClient } from '../../client';
import { activeTracing } from '../../client/tracing-provider';
import { buildWorkflowBundle } from '../../worker/workflow-bundle';
import { processClientCases } from '../../http/case-service';
import { ensureDevIdentity, mintDevToken } from '../../http/dev-identity';
import { buildServer } from '../../http/server';
import { spawnWorkerProcess } from '../support/worker-process';
import { startHarness, type Harness } from '../support/harness';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';

const probe = {
  process: 'tracing-probe',
  title: 'Tracing probe',
  roles: ['agent'],
  events: { ACK: { by: ['agent'] } },
  initial: 'waiting',
  states: { waiting: { on: { ACK: 'done' } }, done: { type: 'final', outcome: 'acknowledged' } },
} as unknown as ProcessDefinition;

let h: Harness;
let receiver: OtlpReceiver;
let worker: ChildProcess;
let client: ProcessClient | undefined;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  h = await startHarness({ withWorker: false });
  // A bundle built as `npm run build:bundle -- --tracing` builds it; spans exported every 100 ms.
  const bundle = await buildWorkflowBundle({ outFile: join(h.dataDir, 'tracing-bundle.js'), tracing: true });
  worker = spawnWorkerProcess(h, {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100', DOCKET_WORKFLOW_BUNDLE: bundle.path },
  });
}, 300_000);

afterAll(async () => {
  await client?.close();
  await activeTracing()?.shutdown();
  if (worker && worker.exitCode === null) {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
  }
  await h?.stop();
  await receiver?.close();
});

it("puts the client's start, the workflow run and its activity in one trace", async () => {
  client = await ProcessClient.connect({
    ...process.env,
    TEMPORAL_ADDRESS: h.address,
    TEMPORAL_NAMESPACE: h.namespace,
    DOCKET_TASK_QUEUE: h.taskQueue,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_SERVICE_NAME: 'tracing-test-client',
  });
  const id = h.caseId('traced');
  await client.start({ definition: probe, id, input: {} });
  await client.send(id, { type: 'ACK', actor: { id: 'ana', roles: ['agent'] } });
  expect((await client.result(id)).outcome).toBe('acknowledged');
  await client.close();
  client = undefined;

  const startSpan = () => receiver.spans.find((s) => s.name === 'StartWorkflow:process' && s.attributes.temporalWorkflowId === id);
  const inTrace = (name: string) => receiver.spans.find((s) => s.traceId === startSpan()?.traceId && s.name.startsWith(name));
  await waitFor(() => Boolean(startSpan() && inTrace('RunWorkflow:process')), 'the start and run spans');
  const start = startSpan()!;
  const run = inTrace('RunWorkflow:process')!;
  expect(start.serviceName).toBe('tracing-test-client');
  expect(run.serviceName).toBe('docket-worker');
  expect(run.traceId).toBe(start.traceId);
  expect(run.parentSpanId).toBe(start.spanId);

  await waitFor(() => Boolean(inTrace('RunActivity:')), 'an activity span in the trace');
  const activity = inTrace('RunActivity:')!;
  expect(activity.serviceName).toBe('docket-worker');
  const scheduled = receiver.spans.find((s) => s.spanId === activity.parentSpanId) as ReceivedSpan;
  expect(scheduled?.name).toMatch(/^StartActivity:/);
  expect(scheduled.traceId).toBe(start.traceId);

  // The event: the client's update span, and the workflow's handler span under it.
  await waitFor(
    () =>
      receiver.spans.some(
        (s) =>
          s.name === 'HandleUpdate:event' &&
          receiver.spans.some(
            (c) => c.spanId === s.parentSpanId && c.name === 'StartWorkflowUpdate:event' && c.attributes.temporalWorkflowId === id,
          ),
      ),
    'the update spans',
  );
  expect(receiver.errors).toEqual([]);
}, 300_000);

describe("docket serve and a caller's traceparent", () => {
  let base = '';
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  /** The HTTP API over `docket`, traced when `traced`, on a free loopback port; the bearer token of agent ana. */
  async function serve(docket: ProcessClient, traced: boolean): Promise<string> {
    const identity = (await ensureDevIdentity(h.dataDir)).config;
    const { app } = await buildServer({
      cases: processClientCases(docket),
      identity,
      logger: pino({ level: 'warn' }),
      tracing: traced ? activeTracing() : undefined,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    close = () => app.close();
    return mintDevToken({ as: 'agent:ana', dataDir: h.dataDir });
  }

  /** A caller's context: a fresh trace id and the caller's span id, as a W3C traceparent (sampled). */
  function callerContext() {
    const traceId = randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
  }

  async function post(path: string, token: string, traceparent: string, body: unknown): Promise<number> {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', traceparent },
      body: JSON.stringify(body),
    });
    await res.text();
    return res.status;
  }

  it('continues it through the request, the start and update, and the workflow when tracing is on', async () => {
    const traced = await ProcessClient.connect({
      ...process.env,
      TEMPORAL_ADDRESS: h.address,
      TEMPORAL_NAMESPACE: h.namespace,
      DOCKET_TASK_QUEUE: h.taskQueue,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    });
    try {
      await traced.deploy([probe], { deployedBy: 'tracing-test' });
      const token = await serve(traced, true);
      const id = h.caseId('over-http');
      const start = callerContext();
      expect(await post('/cases', token, start.traceparent, { id, process: 'tracing-probe', input: {} })).toBe(201);
      const ack = callerContext();
      expect(await post(`/cases/${encodeURIComponent(id)}/events`, token, ack.traceparent, { type: 'ACK' })).toBe(200);
      expect((await traced.result(id)).outcome).toBe('acknowledged');
      await activeTracing()!.flush();

      // The request's span is the caller's child; the client's StartWorkflow span is the request's; the run is in the same trace.
      const named = (name: string, traceId: string) => receiver.spans.find((s) => s.traceId === traceId && s.name === name);
      await waitFor(() => Boolean(named('RunWorkflow:process', start.traceId)), "the workflow run in the caller's trace");
      const request = named('POST /cases', start.traceId)!;
      // One tracer provider per process: the first test's connect started it, with its service name.
      expect(request.serviceName).toBe('tracing-test-client');
      expect(request.parentSpanId).toBe(start.spanId);
      const startSpan = named('StartWorkflow:process', start.traceId)!;
      expect(startSpan.attributes.temporalWorkflowId).toBe(id);
      expect(startSpan.parentSpanId).toBe(request.spanId);
      expect(named('RunWorkflow:process', start.traceId)!.serviceName).toBe('docket-worker');

      // The event: request span → the client's update span → the workflow's handler span, all in the second caller's trace.
      await waitFor(() => Boolean(named('HandleUpdate:event', ack.traceId)), "the update handler in the caller's trace");
      const eventRequest = named('POST /cases/:id/events', ack.traceId)!;
      expect(eventRequest.parentSpanId).toBe(ack.spanId);
      const update = named('StartWorkflowUpdate:event', ack.traceId)!;
      expect(update.parentSpanId).toBe(eventRequest.spanId);
      expect(named('HandleUpdate:event', ack.traceId)!.parentSpanId).toBe(update.spanId);
      expect(receiver.errors).toEqual([]);
    } finally {
      await traced.close();
    }
  }, 300_000);

  it('ignores it when tracing is off', async () => {
    // The harness's client has no tracing interceptors, as a `docket serve` without OTEL_* has none.
    await h.docket.deploy([probe], { deployedBy: 'tracing-test' });
    const token = await serve(h.docket, false);
    const id = h.caseId('untraced');
    const caller = callerContext();
    const runsBefore = new Set(receiver.spans.filter((s) => s.name === 'RunWorkflow:process').map((s) => s.spanId));
    expect(await post('/cases', token, caller.traceparent, { id, process: 'tracing-probe', input: {} })).toBe(201);
    expect(await post(`/cases/${encodeURIComponent(id)}/events`, token, caller.traceparent, { type: 'ACK' })).toBe(200);
    expect((await h.docket.result(id)).outcome).toBe('acknowledged');
    // The worker traces the case as a trace of its own (the only case run since `runsBefore`); nothing is in the caller's trace.
    const run = () => receiver.spans.find((s) => s.name === 'RunWorkflow:process' && !runsBefore.has(s.spanId));
    await waitFor(() => Boolean(run()), "the worker's run span of the untraced case");
    expect(run()!.traceId).not.toBe(caller.traceId);
    expect(receiver.spans.filter((s) => s.traceId === caller.traceId)).toEqual([]);
  }, 300_000);
});

async function waitFor(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}; received: ${receiver.spans.map((s) => s.name).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
