/**
 * The process's OpenTelemetry tracer, built once when tracing is on (client/tracing-settings.ts):
 * a NodeTracerProvider (AsyncLocalStorage context, so the span a client call opens is the parent
 * the Temporal interceptors write into the workflow's headers; W3C trace-context propagation) with
 * a batching OTLP/HTTP exporter. Off, nothing here is loaded or registered.
 *
 * Why the OpenTelemetry SDK and `@temporalio/interceptors-opentelemetry` rather than docket code:
 * the interceptors already carry the trace through start, signal, update and query headers into the
 * workflow sandbox and out to activities, export the workflow's spans through a sink (the sandbox
 * has no network), and keep replays from exporting twice; the SDK's exporter already honours every
 * standard OTLP variable.
 */
import type * as otel from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { tracingSettings } from './tracing-settings';

export interface Tracing {
  tracer: otel.Tracer;
  resource: Resource;
  /** Where every span of this process ends (the workflow sink exports through it too). */
  spanProcessor: SpanProcessor;
  /** Client interceptors that open a span per Temporal call (start, signal, update, query) and pass it on in the headers. */
  clientInterceptors: WorkflowClientInterceptor[];
  /** Sends the spans still batched (a CLI call exits right after its request). */
  flush(): Promise<void>;
  /** Flushes, then stops the exporter (a process that ends its own event loop, e.g. a test). */
  shutdown(): Promise<void>;
}

let current: Tracing | undefined;

/**
 * The process's tracing, started on the first call when the environment turns it on; `undefined` when
 * off. `serviceName` is the default `service.name` (`OTEL_SERVICE_NAME` wins).
 */
export async function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Promise<Tracing | undefined> {
  if (current) return current;
  const settings = tracingSettings(env);
  if (!settings) return undefined;
  // Loaded only when on: a process with tracing off never evaluates the SDK.
  const { Resource, envDetectorSync } = await import('@opentelemetry/resources');
  const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  const { OpenTelemetryWorkflowClientInterceptor } = await import('@temporalio/interceptors-opentelemetry/lib/client');
  const resource = Resource.default()
    .merge(new Resource({ 'service.name': serviceName }))
    .merge(envDetectorSync.detect())
    .merge(settings.serviceName ? new Resource({ 'service.name': settings.serviceName }) : Resource.empty());
  // The URL from `env` (which may not be process.env); the exporter reads OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT and _COMPRESSION itself.
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.url }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  const tracer = provider.getTracer('docket');
  current = {
    tracer,
    resource,
    spanProcessor,
    clientInterceptors: [new OpenTelemetryWorkflowClientInterceptor({ tracer })],
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      current = undefined;
    },
  };
  return current;
}

/** The tracing started in this process, if any (nothing is started). */
export function activeTracing(): Tracing | undefined {
  return current;
}
