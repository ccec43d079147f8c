/**
 * Whether this process traces, from the standard OpenTelemetry variables (no docket switch: the
 * same variables every OpenTelemetry SDK reads, so an operator configures docket like any other
 * service).
 *
 * Tracing is on when an OTLP endpoint is set (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_ENDPOINT`) or `OTEL_TRACES_EXPORTER=otlp`; `OTEL_TRACES_EXPORTER=none` or
 * `OTEL_SDK_DISABLED=true` turn it off whatever else is set. Off, no tracer, exporter or
 * interceptor exists (zero overhead). The exporter itself reads the rest of the OTLP variables
 * (headers, timeout, compression) and the resource ones (`OTEL_SERVICE_NAME`,
 * `OTEL_RESOURCE_ATTRIBUTES`), as the OpenTelemetry specification says.
 */
import { ConfigError } from '../worker/config-error';

/** Exporters docket can build; `none` is the specification's way to say "off". */
const EXPORTERS = ['otlp', 'none'] as const;

export interface TracingSettings {
  /** Where spans are POSTed: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as it is, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`; undefined: the exporter's default, http://localhost:4318/v1/traces. */
  url?: string;
  /** `OTEL_SERVICE_NAME`, when set. */
  serviceName?: string;
}

/** The tracing settings, or `undefined` when tracing is off; throws `ConfigError` for a value docket cannot honour. */
export function tracingSettings(env: NodeJS.ProcessEnv = process.env): TracingSettings | undefined {
  const disabled = env.OTEL_SDK_DISABLED?.trim().toLowerCase();
  if (disabled === 'true') return undefined;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter) {
    const names = exporter.split(',').map((s) => s.trim());
    const unknown = names.find((n) => !(EXPORTERS as readonly string[]).includes(n));
    if (unknown !== undefined) {
      throw new ConfigError(
        'OTEL_TRACES_EXPORTER',
        `docket exports traces over OTLP only: use otlp (or none to turn tracing off), got "${env.OTEL_TRACES_EXPORTER}"`,
      );
    }
    if (names.includes('none')) return undefined;
  }
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined;
  if (!exporter && !endpoint) return undefined;
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT']) {
    const raw = env[name]?.trim();
    if (raw && !/^https?:\/\/[^\s/]+/.test(raw)) {
      throw new ConfigError(name, `must be an http:// or https:// URL of an OTLP/HTTP receiver, e.g. http://localhost:4318; got "${raw}"`);
    }
  }
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const url = traces || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  return { url, serviceName: env.OTEL_SERVICE_NAME?.trim() || undefined };
}
