/**
 * Server spans for `docket serve` when tracing is on (client/tracing-provider.ts): each API request
 * opens a SERVER span that continues the caller's W3C `traceparent` (and `tracestate`) header, and
 * the rest of the request runs with that span active, so the Temporal client interceptors make
 * the start, update or query span its child and carry the trace on into the workflow. Off (no
 * `Tracing`), nothing is registered and a caller's `traceparent` is ignored.
 *
 * The header is read with OpenTelemetry's propagation API (the W3C propagator that
 * `NodeTracerProvider.register()` installs), not parsed here. Not `@opentelemetry/instrumentation-
 * http`: it patches Node's `http` module for the whole process (the Temporal client's own calls
 * too), where docket needs one span per API request, named by its route.
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Tracing } from '../client/tracing-provider';

const SPANS = new WeakMap<FastifyRequest, { span: Span; active: Context }>();

/** Registers the hooks on `app`; call before the routes' own hooks (authentication) so they run inside the span. */
export function traceRequests(app: FastifyInstance, tracing: Tracing): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const route = request.routeOptions.url ?? request.url.split('?')[0];
    const span = tracing.tracer.startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'http.route': route, 'url.path': request.url.split('?')[0] },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    SPANS.set(request, { span, active });
    // The next hooks (authentication) are called from `done`, so they run with the span active (AsyncLocalStorage).
    context.with(active, done);
  });
  // A body is read from the socket's stream events, which run outside that context; the handler is
  // called from the last preHandler's `done`, so entering the context again here covers it.
  app.addHook('preHandler', (request, _reply, done) => {
    const traced = SPANS.get(request);
    if (traced) context.with(traced.active, done);
    else done();
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = SPANS.get(request)?.span;
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  app.addHook('onRequestAbort', async (request) => {
    const span = SPANS.get(request)?.span;
    span?.setStatus({ code: SpanStatusCode.ERROR, message: 'the client closed the connection' });
    span?.end();
  });
}
