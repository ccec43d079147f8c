/**
 * `POST /cases/{id}/events`: an event as the synchronous `event` Update. The actor is the verified
 * caller; a body naming someone else (or a role the token does not carry) is refused as
 * ACTOR_MISMATCH before anything reaches Temporal.
 */
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../contract/wire';
import { canonicalActorId } from '../actor-id';
import { ProblemError } from '../problem';
import { caseIdParam, EVENT_RESULT_REF, eventRequest, problemResponses } from '../schemas';
import type { VerifiedActor } from '../token-verifier';
import type { RouteContext } from './context';

interface EventBody {
  type: string;
  data?: Record<string, unknown> | null;
  actor?: Actor;
}

export function eventRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Params: { id: string }; Body: EventBody; Headers: { 'idempotency-key'?: string } }>(
    '/cases/:id/events',
    {
      schema: {
        operationId: 'sendEvent',
        summary: 'Send an event and wait for the case to take it (the `event` Update)',
        description:
          'Answers what the case returns for an accepted event, or problem details with the rejection code of the wire contract and `allowed` (the events the caller may send now). A refused event leaves no trace in the case.',
        tags: ['events'],
        params: caseIdParam,
        headers: {
          type: 'object',
          properties: {
            'idempotency-key': {
              type: 'string',
              minLength: 1,
              maxLength: 200,
              description:
                "The event's Temporal update id (scoped to the caller): the same key sent again for the same case answers the first result and never applies the event twice. Without it, each request is a new event.",
            },
          },
        },
        body: { $ref: eventRequest.$id },
        response: {
          200: { description: 'accepted', content: { 'application/json': { schema: { $ref: EVENT_RESULT_REF } } } },
          ...problemResponses(400, 401, 403, 404, 409, 413, 422, 503),
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const actor = actingAs(request.actor, request.body.actor);
      if (ctx.needsCaseForRead(request.actor)) await ctx.readableCase(request.actor, id);
      const key = request.headers['idempotency-key'];
      // Scoped to the verified caller, so one caller's key never answers with another's event.
      const updateId = key === undefined ? undefined : `http:${request.actor.id}:${key}`;
      const result = await ctx.cases.send(id, { type: request.body.type, actor, data: request.body.data ?? undefined }, request.actor, {
        updateId,
      });
      request.log.info(
        { caseId: id, event: request.body.type, actor: actor.id, roles: actor.roles, issuer: request.actor.issuer },
        'event accepted',
      );
      ctx.check(EVENT_RESULT_REF, result);
      return result;
    },
  );
}

/** The actor an event is sent as: the verified caller, or the subset of their roles the body names. */
export function actingAs(verified: VerifiedActor, named: Actor | undefined): Actor {
  if (!named) return { id: verified.id, roles: verified.roles };
  if (canonicalActorId(named.id) !== verified.id) {
    throw new ProblemError(
      'ACTOR_MISMATCH',
      `the body names actor "${named.id}", but the token is for "${verified.id}"; leave actor out, the API takes it from the token`,
    );
  }
  const extra = named.roles.filter((role) => !verified.roles.includes(role));
  if (extra.length) {
    throw new ProblemError(
      'ACTOR_MISMATCH',
      `the body claims roles the token does not carry: ${extra.join(', ')} (the token has: ${verified.roles.join(', ') || 'none'})`,
    );
  }
  return { id: verified.id, roles: [...new Set(named.roles)] };
}
