/**
 * Tracing end to end (docs/tracing.md): a client in this process and a `docket worker` process,
 * both pointed at an OTLP/HTTP receiver by OTEL_EXPORTER_OTLP_ENDPOINT, as an operator would. The
 * client's StartWorkflow span, the workflow's RunWorkflow span (made in the sandbox, exported
 * through the worker's sink) and the RunActivity span of the case's first activity (the
 * definition step) arrive in one trace; so do the update an event is sent with and its handler.
 * The test waits until the spans are there, however long that takes.
 */
import type { ChildProcess } from 'node:child_process';
import type { ProcessDefinition } from '../../dsl/types';
import { join } from 'node:path';
import { ProcessClient } from '../../client';
import { activeTracing } from '../../client/tracing-provider';
import { buildWorkflowBundle } from '../../worker/workflow-bundle';
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

async function waitFor(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}; received: ${receiver.spans.map((s) => s.name).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
