/**
 * The JSON body parser: Fastify's own (secure-json-parse, refusing `__proto__` and
 * `constructor.prototype` keys, which could poison prototypes), with a message that says what is
 * wrong. Fastify answers both a syntax error and a refused key with "Body is not valid JSON",
 * which sends a caller whose JSON is valid looking for the wrong thing.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ProblemError } from './problem';

export function explainJsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, String(body), (err: Error | null, value?: unknown) => {
      if ((err as FastifyError | null)?.code !== 'FST_ERR_CTP_INVALID_JSON_BODY') return done(err, value);
      done(new ProblemError('INVALID_REQUEST', whyNotAccepted(String(body))), undefined);
    });
  });
}

/** Why a body the secure parser refused is refused: a syntax error (with JSON.parse's position), or a forbidden key. */
function whyNotAccepted(body: string): string {
  try {
    JSON.parse(body); // only to learn why: a `__proto__` key is an own property here, nothing is polluted
  } catch (err) {
    return `the body is not valid JSON: ${(err as Error).message}`;
  }
  return 'the body is JSON but has a "__proto__" or "constructor": { "prototype" } key, which is refused; rename the field';
}
