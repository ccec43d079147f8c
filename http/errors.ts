/**
 * The API's one error handler: whatever a route throws becomes problem details. The client SDK's
 * typed errors map to their codes (a refused event keeps its rejection code and `allowed`); a
 * request that fails its schema is INVALID_REQUEST naming each field; anything else is INTERNAL,
 * logged with its stack and answered without it.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  CaseFailedError,
  CaseNotFoundError,
  DefinitionNotFoundError,
  EventOutcomeUnknownError,
  EventRejectedError,
  InvalidInputError,
} from '../client/errors';
import { ProblemError, PROBLEM_CONTENT_TYPE } from './problem';

export function asProblem(err: unknown): ProblemError | undefined {
  if (err instanceof ProblemError) return err;
  if (err instanceof EventRejectedError) return new ProblemError(err.code, err.message, err.allowed ? { allowed: err.allowed } : {});
  if (err instanceof CaseNotFoundError) return new ProblemError('CASE_NOT_FOUND', `no case with id "${err.caseId}"`);
  if (err instanceof DefinitionNotFoundError) return new ProblemError('DEFINITION_NOT_FOUND', err.message);
  // Not known whether the event was applied: the same Idempotency-Key again answers the first result.
  if (err instanceof EventOutcomeUnknownError)
    return new ProblemError(
      'OUTCOME_UNKNOWN',
      `${err.message.replace(/; send it again with update id .*$/, '')}; send the request again with the same Idempotency-Key: it is applied at most once`,
    );
  // The event was applied and the case failed with it: never a 200 (issue 12). `failure` carries the case's reason.
  if (err instanceof CaseFailedError)
    return new ProblemError('CASE_FAILED', err.message, { failure: { code: err.code, message: err.reason } });
  if (err instanceof InvalidInputError) return new ProblemError('INVALID_INPUT', err.message, { problems: err.problems });
  const fastifyError = err as FastifyError;
  if (fastifyError?.validation) {
    const problems = fastifyError.validation.map(
      (v) => `${fastifyError.validationContext ?? 'body'}${v.instancePath || ''}: ${v.message ?? 'is invalid'}`,
    );
    return new ProblemError('INVALID_REQUEST', `the request does not match its schema: ${problems.join('; ')}`, { problems });
  }
  // Fastify's own 4xx (unparsable JSON, wrong content type, body too large).
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new ProblemError('INVALID_REQUEST', fastifyError.message);
  }
  return undefined;
}

export async function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const problem = asProblem(err);
  if (problem) {
    request.log.info({ code: problem.code, rule: problem.extra.rule }, `refused: ${problem.message}`);
    await reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem.body(request.url));
    return;
  }
  request.log.error({ err }, 'internal error');
  const internal = new ProblemError('INTERNAL', `internal error; the server log has the details (request ${request.id})`);
  await reply.code(500).type(PROBLEM_CONTENT_TYPE).send(internal.body(request.url));
}
