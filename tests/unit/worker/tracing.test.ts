/**
 * Tracing's switch and what the worker registers: nothing at all when it is off, the OpenTelemetry
 * interceptors and the span sink when it is on, and a refusal when the prebuilt workflow bundle
 * cannot trace. (tests/integration/tracing.test.ts checks the spans end to end.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { tracingSettings } from '../../../client/tracing-settings';
import type { Tracing } from '../../../client/tracing-provider';
import { ConfigError } from '../../../worker/config-error';
import { TRACING_WORKFLOW_MODULE, workerTracing } from '../../../worker/tracing';

describe('tracingSettings', () => {
  it('is off when no OTEL_* variable says where spans go', () => {
    expect(tracingSettings({})).toBeUndefined();
    expect(tracingSettings({ OTEL_SERVICE_NAME: 'x' })).toBeUndefined();
  });

  it('is on with an OTLP endpoint, adding /v1/traces to the base one and taking the traces one as it is', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({ url: 'http://collector:4318/v1/traces' });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example/api/traces', OTEL_SERVICE_NAME: 'w1' })).toEqual({
      url: 'https://otlp.example/api/traces',
      serviceName: 'w1',
    });
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'otlp' })).toEqual({ url: undefined });
  });

  it('is off with OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true, whatever else is set', () => {
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBeUndefined();
    expect(tracingSettings({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBeUndefined();
  });

  it('refuses an exporter it cannot build and an endpoint that is not a URL, naming the variable', () => {
    expect(() => tracingSettings({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      new ConfigError('OTEL_TRACES_EXPORTER', 'docket exports traces over OTLP only: use otlp (or none to turn tracing off), got "zipkin"'),
    );
    expect(() => tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /^OTEL_EXPORTER_OTLP_ENDPOINT: must be an http/,
    );
  });
});

describe('workerTracing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-tracing-'));
  const plain = join(dir, 'plain.js');
  const traced = join(dir, 'traced.js');
  writeFileSync(plain, '/* a bundle without tracing */');
  writeFileSync(traced, '/* "./node_modules/@temporalio/interceptors-opentelemetry/lib/workflow-interceptors.js" */');
  const exporter = new InMemorySpanExporter();
  const spanProcessor = new SimpleSpanProcessor(exporter);
  const provider = new BasicTracerProvider({ spanProcessors: [spanProcessor] });
  const tracing: Tracing = {
    tracer: provider.getTracer('test'),
    resource: Resource.default(),
    spanProcessor,
    clientInterceptors: [],
    flush: async () => undefined,
    shutdown: async () => undefined,
  };

  it('registers nothing when tracing is off', () => {
    const warn = jest.fn();
    expect(workerTracing(undefined, undefined, warn)).toEqual({ workflowModules: [], activity: [], sinks: {} });
    expect(workerTracing(undefined, plain, warn)).toEqual({ workflowModules: [], activity: [], sinks: {} });
    expect(warn).not.toHaveBeenCalled();
  });

  it('bundles the workflow interceptors, intercepts activities and exports the workflow spans when on', () => {
    const on = workerTracing(tracing, undefined, jest.fn());
    expect(on.workflowModules).toEqual([TRACING_WORKFLOW_MODULE]);
    expect(on.activity).toHaveLength(1);
    expect(Object.keys(on.sinks)).toEqual(['exporter']);
    // A prebuilt bundle that traces has the interceptors built in.
    expect(workerTracing(tracing, traced, jest.fn()).workflowModules).toEqual([]);
  });

  it('refuses to trace with a prebuilt bundle built without the interceptors', () => {
    expect(() => workerTracing(tracing, plain, jest.fn())).toThrow(
      /^DOCKET_WORKFLOW_BUNDLE: ".*plain\.js" was built without the tracing interceptors/,
    );
  });

  it('gives a tracing bundle a sink that drops its spans when tracing is off, and says so', () => {
    const warn = jest.fn();
    const off = workerTracing(undefined, traced, warn);
    expect(Object.keys(off.sinks)).toEqual(['exporter']);
    expect(off.activity).toEqual([]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/built with tracing .* but tracing is off/));
  });
});
