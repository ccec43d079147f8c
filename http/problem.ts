/**
 * Errors of the HTTP API as RFC 9457 problem details (`application/problem+json`): `type`, `title`,
 * `status`, `detail`, plus `code` (a wire-contract rejection code or one of the API's own) and,
 * for a refused event, `allowed`. A user's mistake never carries a stack trace.
 */
import type { RejectionCode } from '../contract/wire';

/** The API's own codes, besides the event rejection codes of the wire contract. */
export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'ACCESS_DENIED'
  | 'ACTOR_MISMATCH'
  | 'INVALID_REQUEST'
  | 'CASE_NOT_FOUND'
  | 'DEFINITION_NOT_FOUND'
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'OUTCOME_UNKNOWN'
  | 'CASE_FAILED'
  | 'INTERNAL';

export type ProblemCode = ApiErrorCode | RejectionCode;

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  instance?: string;
  /** For a refused event: the events the sender's roles may send now. */
  allowed?: string[];
  /** For an access refusal: the rule of the identity configuration that refused it. */
  rule?: string;
  /** For an invalid request or input: each problem, naming the field. */
  problems?: string[];
  /** For CASE_FAILED: why the case failed (its failure code and message). */
  failure?: { code: string; message: string };
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** HTTP status per code: the caller's identity (401), what it may do (403), what exists (404), the case's state (409). */
const STATUS: Record<ProblemCode, number> = {
  UNAUTHENTICATED: 401,
  ACCESS_DENIED: 403,
  ACTOR_MISMATCH: 403,
  ROLE_NOT_ALLOWED: 403,
  INVALID_REQUEST: 400,
  CASE_NOT_FOUND: 404,
  DEFINITION_NOT_FOUND: 404,
  NOT_FOUND: 404,
  INVALID_INPUT: 422,
  INVALID_EVENT: 422,
  UNKNOWN_EVENT: 422,
  INVALID_PAYLOAD: 422,
  PAYLOAD_TOO_LARGE: 413,
  EVENT_NOT_ALLOWED: 409,
  GUARD_FAILED: 409,
  SAME_ACTOR: 409,
  CASE_CLOSED: 409,
  CASE_STARTING: 503,
  OUTCOME_UNKNOWN: 503,
  CASE_FAILED: 422,
  INTERNAL: 500,
};

const TITLE: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A refusal the API answers as problem details; throw it from a route. */
export class ProblemError extends Error {
  override name = 'ProblemError';
  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly extra: Pick<ProblemBody, 'allowed' | 'rule' | 'problems' | 'failure'> = {},
  ) {
    super(message);
  }

  get status(): number {
    return STATUS[this.code];
  }

  body(instance?: string): ProblemBody {
    return problemBody(this.code, this.message, instance, this.extra);
  }
}

export function problemBody(code: ProblemCode, detail: string, instance?: string, extra: ProblemError['extra'] = {}): ProblemBody {
  const status = STATUS[code];
  return {
    type: `https://docket.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLE[status] ?? 'Error',
    status,
    detail,
    code,
    ...(instance ? { instance } : {}),
    ...extra,
  };
}

export function statusOf(code: ProblemCode): number {
  return STATUS[code];
}
