/** `GET /cases/{id}/history` (the Temporal history as JSON) and `GET /cases/{id}/audit` (the audit report). */
import type { FastifyInstance } from 'fastify';
import { auditQuery, caseIdParam, problemResponses } from '../schemas';
import type { RouteContext } from './context';

type Format = 'json' | 'text' | 'md' | 'html';

const CONTENT_TYPE: Record<Format, string> = {
  json: 'application/json',
  text: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

export function exportRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Params: { id: string } }>(
    '/cases/:id/history',
    {
      schema: {
        operationId: 'getHistory',
        summary: "The case's event history (latest run), the JSON `temporal workflow show --output json` writes",
        tags: ['audit'],
        params: caseIdParam,
        response: {
          200: {
            description: 'the history: `{ "events": [...] }`',
            content: {
              'application/json': { schema: { type: 'object', required: ['events'], properties: { events: { type: 'array' } } } },
            },
          },
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      await ctx.readableCase(request.actor, request.params.id);
      const json = await ctx.cases.history(request.params.id);
      return reply.type('application/json').send(json);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { format: Format; replay: boolean } }>(
    '/cases/:id/audit',
    {
      schema: {
        operationId: 'getAudit',
        summary:
          'The audit report of the case from its history: timeline with actors and roles, deadlines, activities, definition hash, digest',
        tags: ['audit'],
        params: caseIdParam,
        querystring: auditQuery,
        response: {
          200: {
            description: 'the report in the asked-for format (json: the `AuditReport` object)',
            content: {
              'application/json': { schema: { type: 'object' } },
              'text/plain': { schema: { type: 'string' } },
              'text/markdown': { schema: { type: 'string' } },
              'text/html': { schema: { type: 'string' } },
            },
          },
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await ctx.readableCase(request.actor, id);
      const lib = await import('../../audit');
      const file = lib.parseHistoryJson(await ctx.cases.history(id), `case ${id}`);
      const report = await lib.auditHistory(file, { replay: request.query.replay, replayOptions: { quiet: true } });
      const format = request.query.format;
      const body =
        format === 'json'
          ? JSON.stringify(report)
          : format === 'md'
            ? lib.auditMarkdown(report)
            : format === 'html'
              ? lib.auditHtml(report, lib.caseInput(file).definition)
              : lib.auditText(report);
      return reply.type(CONTENT_TYPE[format]).send(body);
    },
  );
}
