/**
 * The bearer-token check every API route runs first. A refused token is a 401 problem with the
 * reason (never which key or claim value was expected), a warn log line with the reason and the
 * client address, and one more in the refusal counters (`GET /metrics`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemBody, PROBLEM_CONTENT_TYPE } from './problem';
import { AuthenticationError, type AuthFailureReason, type TokenVerifier, type VerifiedActor } from './token-verifier';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; set by the authentication hook on every API route. */
    actor: VerifiedActor;
  }
}

/** Refused authentication attempts by reason, since the server started. */
export class AuthRefusals {
  readonly counts = new Map<AuthFailureReason, number>();
  add(reason: AuthFailureReason): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }
  get total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }
}

export function authenticationHook(verifier: TokenVerifier, refusals: AuthRefusals) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    try {
      if (!match)
        throw new AuthenticationError(
          'missing-token',
          header ? 'the Authorization header is not "Bearer <token>"' : 'no bearer token: send Authorization: Bearer <token>',
        );
      request.actor = await verifier.verify(match[1]);
    } catch (err) {
      const failure = err instanceof AuthenticationError ? err : new AuthenticationError('malformed', 'the token could not be verified');
      refusals.add(failure.reason);
      request.log.warn(
        { reason: failure.reason, ip: request.ip, route: request.routeOptions.url },
        `authentication refused: ${failure.message}`,
      );
      await reply
        .code(401)
        .header('www-authenticate', `Bearer error="invalid_token", error_description="${failure.reason}"`)
        .type(PROBLEM_CONTENT_TYPE)
        .send(problemBody('UNAUTHENTICATED', failure.message, request.url));
    }
  };
}
