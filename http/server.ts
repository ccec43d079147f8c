/**
 * `docket serve`: the HTTP API over the cases of one task queue. Fastify, with every request
 * checked against its JSON Schema (the contract schemas, draft 2020-12), the OpenAPI document
 * generated from the same schemas (@fastify/swagger), bearer tokens verified on every API route,
 * errors as problem details, pino logs.
 *
 * ```ts
 * const { app } = await buildServer({ cases: processClientCases(docket), identity: loadIdentityConfig('identity.yaml') });
 * await app.listen({ host: '127.0.0.1', port: 8080 });
 * ```
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { packageVersion } from '../client/package-root';
import { canonicalActorId } from './actor-id';
import { checkRead } from './access-rules';
import { AuthRefusals, authenticationHook } from './authenticate';
import type { Tracing } from '../client/tracing-provider';
import { errorHandler } from './errors';
import { explainJsonBodies } from './json-body';
import type { IdentityConfig } from './identity-config';
import { bundleOpenApi } from './openapi';
import { ProblemError, PROBLEM_CONTENT_TYPE, problemBody } from './problem';
import { traceRequests } from './request-tracing';
import { caseRoutes } from './routes/cases';
import type { CaseService, RouteContext } from './routes/context';
import { eventRoutes } from './routes/events';
import { exportRoutes } from './routes/exports';
import { createTokenVerifier, type TokenVerifier, type VerifiedActor } from './token-verifier';
import { compileValidator, httpValidator } from './validation';

export interface ServerOptions {
  cases: CaseService;
  identity: IdentityConfig;
  /** Default: a verifier for `identity` (jose). */
  verifier?: TokenVerifier;
  /** Default: Fastify's own pino logger at `info`. */
  logger?: PinoLogger;
  /** Largest request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /**
   * The process's tracing (client/tracing-provider.ts `activeTracing()`): each request gets a
   * server span continuing the caller's `traceparent` (http/request-tracing.ts). Undefined: no
   * spans, the header is ignored.
   */
  tracing?: Tracing;
}

export interface DocketServer {
  app: FastifyInstance;
  refusals: AuthRefusals;
}

const PUBLIC = { public: true };

/** The longest case id (a path parameter) the router takes. */
const MAX_ID_LENGTH = 1000;

/** The answer to a URL the router cannot take (Fastify's `frameworkErrors`): INVALID_REQUEST. */
function unroutable(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const detail =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? `a path segment is longer than ${MAX_ID_LENGTH} characters: a case id is at most ${MAX_ID_LENGTH}`
      : error.code === 'FST_ERR_BAD_URL'
        ? 'the URL does not decode: a %-escape is malformed (encode a case id with encodeURIComponent)'
        : `the request could not be routed: ${error.message}`;
  void reply
    .code(400)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problemBody('INVALID_REQUEST', detail, shortened(request.url)));
}

/** A URL as a problem's `instance`: its first 200 characters. */
function shortened(url: string): string {
  return url.length > 200 ? `${url.slice(0, 200)}…` : url;
}

export async function buildServer(options: ServerOptions): Promise<DocketServer> {
  const verifier = options.verifier ?? (await createTokenVerifier(options.identity));
  const refusals = new AuthRefusals();
  const app: FastifyInstance = Fastify({
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: { level: 'info' } }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Case ids are business keys; let them carry what they carry (Temporal's limit on an id is 1000).
    routerOptions: { maxParamLength: MAX_ID_LENGTH },
    // A URL the router cannot take is answered as every other refusal is: a problem, not Fastify's
    // own error shape, and without echoing a URL that may be kilobytes long.
    frameworkErrors: unroutable,
  });
  explainJsonBodies(app);
  app.setValidatorCompiler(compileValidator);
  // Responses are checked against their schemas in the routes (ctx.check), then sent as they are:
  // a serializer built from a schema would silently drop fields instead.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type(PROBLEM_CONTENT_TYPE)
      .send(problemBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}; GET /openapi.json lists them`, request.url)),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'docket',
        version: packageVersion(),
        description:
          "Start, drive and read docket cases over HTTP. Every request but /openapi.json, /health and /metrics carries a bearer token (JWT) from the identity provider the server trusts; the actor of an event is the token's, never the body's. Errors are problem details (application/problem+json) with the codes of the wire contract.",
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
      tags: [{ name: 'cases' }, { name: 'events' }, { name: 'audit' }, { name: 'service' }],
    },
    transformObject: (documentObject) =>
      bundleOpenApi((documentObject as { openapiObject: Record<string, unknown> }).openapiObject) as never,
  });

  if (options.tracing) traceRequests(app, options.tracing);
  const authenticate = authenticationHook(verifier, refusals);
  app.addHook('onRequest', async (request, reply) => {
    if ((request.routeOptions.config as { public?: boolean } | undefined)?.public || request.is404) return;
    await authenticate(request, reply);
  });

  const rules = options.identity.access;
  const ctx: RouteContext = {
    cases: options.cases,
    rules,
    check(schemaId, body) {
      const validate = httpValidator(schemaId);
      if (validate(body)) return;
      app.log.error({ schema: schemaId, errors: validate.errors }, 'a response does not match its schema');
      throw new Error(`the response does not match ${schemaId}`);
    },
    async readableCase(actor, id) {
      const view = await options.cases.state(id);
      checkRead(rules, actor, id, view.context ?? {});
      return view;
    },
    needsCaseForRead(actor: VerifiedActor) {
      const read = rules.read;
      if (!read) return false;
      return ![...actor.roles, '*'].some((key) => Object.prototype.hasOwnProperty.call(read, key) && read[key] === 'all');
    },
  };

  app.get('/openapi.json', { config: PUBLIC, schema: { hide: true } }, async () => app.swagger());
  app.get(
    '/health',
    {
      config: PUBLIC,
      schema: {
        operationId: 'health',
        summary: 'Liveness',
        tags: ['service'],
        security: [],
        response: {
          200: {
            description: 'up',
            content: { 'application/json': { schema: { type: 'object', properties: { ok: { type: 'boolean' } } } } },
          },
        },
      },
    },
    async () => ({ ok: true }),
  );
  app.get(
    '/metrics',
    {
      config: PUBLIC,
      schema: {
        operationId: 'metrics',
        summary: 'Refused authentication attempts by reason (Prometheus text format)',
        tags: ['service'],
        security: [],
        response: { 200: { description: 'counters', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    async (_request, reply) => {
      const lines = [
        '# HELP docket_http_auth_refused_total Requests refused for their bearer token, by reason.',
        '# TYPE docket_http_auth_refused_total counter',
      ];
      for (const [reason, count] of [...refusals.counts].sort()) lines.push(`docket_http_auth_refused_total{reason="${reason}"} ${count}`);
      return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
    },
  );
  caseRoutes(app, ctx);
  eventRoutes(app, ctx);
  exportRoutes(app, ctx);
  await app.ready();
  return { app, refusals };
}

export { canonicalActorId, ProblemError };
