/** `POST /cases` (start by process name), `GET /cases` (list), `GET /cases/{id}` (state). */
import type { FastifyInstance } from 'fastify';
import type { ListOptions } from '../../client/list-query';
import { buildListQuery } from '../../client/list-query';
import { checkRead, checkReadAll, checkStart } from '../access-rules';
import { caseIdParam, caseList, listQuery, problemResponses, startedCase, startRequest, STATE_VIEW_REF } from '../schemas';
import type { RouteContext } from './context';

interface StartBody {
  id: string;
  process: string;
  version?: number | string;
  input?: Record<string, unknown>;
}

interface ListParams {
  process?: string;
  hash?: string;
  state?: string;
  status?: 'running' | 'closed';
  query?: string;
  limit: number;
}

export function caseRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Body: StartBody }>(
    '/cases',
    {
      schema: {
        operationId: 'startCase',
        summary: 'Start a case of a deployed process',
        tags: ['cases'],
        body: { $ref: startRequest.$id },
        response: {
          201: { description: 'started', content: { 'application/json': { schema: { $ref: startedCase.$id } } } },
          200: {
            description: 'a case with this id already exists; it was not started again',
            content: { 'application/json': { schema: { $ref: startedCase.$id } } },
          },
          ...problemResponses(400, 401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const { id, process, version, input = {} } = request.body;
      checkStart(ctx.rules, request.actor, process);
      // A caller may start only cases they may read (a customer: a complaint of their own).
      checkRead(ctx.rules, request.actor, id, input);
      const started = await ctx.cases.start({ id, process, version, input });
      ctx.check(startedCase.$id, started);
      request.log.info(
        { caseId: id, process, actor: request.actor.id, existing: started.existing },
        started.existing ? 'case exists' : 'case started',
      );
      return reply.code(started.existing ? 200 : 201).send(started);
    },
  );

  app.get<{ Querystring: ListParams }>(
    '/cases',
    {
      schema: {
        operationId: 'listCases',
        summary: 'List cases (Temporal visibility, eventually consistent), with the filters of `docket list`',
        tags: ['cases'],
        querystring: listQuery,
        response: {
          200: { description: 'the cases', content: { 'application/json': { schema: { $ref: caseList.$id } } } },
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      checkReadAll(ctx.rules, request.actor);
      const q = request.query;
      const options: ListOptions = {
        process: q.process,
        definitionHash: q.hash,
        state: q.state,
        running: q.status === undefined ? undefined : q.status === 'running',
        query: q.query,
        limit: q.limit,
      };
      const body = { query: buildListQuery(options), cases: await ctx.cases.list(options) };
      ctx.check(caseList.$id, body);
      return body;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/cases/:id',
    {
      schema: {
        operationId: 'getCase',
        summary: "A case's state view: status, state, context, allowed events per role, deadlines, timeline",
        tags: ['cases'],
        params: caseIdParam,
        response: {
          200: { description: 'the state view', content: { 'application/json': { schema: { $ref: STATE_VIEW_REF } } } },
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const view = await ctx.readableCase(request.actor, request.params.id);
      ctx.check(STATE_VIEW_REF, view);
      return view;
    },
  );
}
