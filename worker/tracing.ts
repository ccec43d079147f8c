/**
 * The worker's half of tracing (docs/tracing.md): with tracing on, every workflow run, signal,
 * update, query and activity scheduling gets a span (the OpenTelemetry workflow interceptors,
 * bundled into the workflow code), every activity execution gets one (the activity interceptor),
 * and the workflow's spans leave the sandbox through the `exporter` sink to the process's span
 * processor. With tracing off none of this is registered.
 *
 * A prebuilt bundle (`DOCKET_WORKFLOW_BUNDLE`) has its workflow interceptors built in, so it is
 * built for tracing or not (`npm run build:bundle -- --tracing`); the worker refuses to trace with
 * a bundle built without the interceptors rather than silently exporting no workflow spans.
 */
import * as fs from 'node:fs';
import type { ActivityInterceptorsFactory, WorkerOptions } from '@temporalio/worker';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { Tracing } from '../client/tracing-provider';
import { ConfigError } from './config-error';

/** The OpenTelemetry workflow interceptor module (spans inside the sandbox, exported through the `exporter` sink). */
export const TRACING_WORKFLOW_MODULE = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/** Marker webpack keeps in a bundle that contains the module (its module id is its path). */
const BUNDLE_MARKER = 'interceptors-opentelemetry/lib/workflow-interceptors';

/** Whether the bundle file was built with the tracing workflow interceptors. */
export function bundleTraces(codePath: string): boolean {
  return fs.readFileSync(codePath, 'utf8').includes(BUNDLE_MARKER);
}

export interface WorkerTracing {
  /** Workflow interceptor modules to bundle (empty when off or prebuilt). */
  workflowModules: string[];
  activity: ActivityInterceptorsFactory[];
  sinks: NonNullable<WorkerOptions['sinks']>;
}

/**
 * What the worker registers for tracing. `prebuilt`: the bundle file in use, if any.
 * Throws `ConfigError` when tracing is on but the prebuilt bundle cannot trace.
 */
export function workerTracing(tracing: Tracing | undefined, prebuilt: string | undefined, warn: (message: string) => void): WorkerTracing {
  const bundled = prebuilt !== undefined && bundleTraces(prebuilt);
  if (!tracing) {
    if (!bundled) return { workflowModules: [], activity: [], sinks: {} };
    // The bundle's interceptors call the sink on every span; without one the SDK logs an error per call.
    warn(
      'DOCKET_WORKFLOW_BUNDLE was built with tracing (--tracing) but tracing is off (no OTEL_EXPORTER_OTLP_ENDPOINT): workflow spans are made and dropped; rebuild the bundle without --tracing to save that work',
    );
    return { workflowModules: [], activity: [], sinks: { exporter: { export: { fn: () => undefined, callDuringReplay: false } } } };
  }
  if (prebuilt !== undefined && !bundled) {
    throw new ConfigError(
      'DOCKET_WORKFLOW_BUNDLE',
      `"${prebuilt}" was built without the tracing interceptors, so its workflows would make no spans while tracing is on (OTEL_* set): rebuild it with \`npm run build:bundle -- --tracing\`, or turn tracing off`,
    );
  }
  const options = { tracer: tracing.tracer };
  return {
    workflowModules: prebuilt ? [] : [TRACING_WORKFLOW_MODULE],
    activity: [
      (ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx, options),
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ],
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}
