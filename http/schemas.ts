/**
 * The HTTP API's request and response schemas. Everything that is a wire payload is the published
 * contract schema (contract/schemas/), referenced by its `$id`; only the API's own envelopes
 * (start request and answer, event request, list answer, problem details) are written here.
 * openapi.ts turns the `$id` references into OpenAPI components.
 */
import { contractSchemaId, contractSchemas, type ContractSchemaName } from '../contract/schemas';

const id = contractSchemaId;

/**
 * The schema of what the `event` Update returns: the contract's `event-result` once the contract
 * has it (the compact result), else the state view. One place to change if it changes again.
 */
export const EVENT_RESULT_REF = 'event-result' in contractSchemas ? id('event-result' as ContractSchemaName) : id('state-view');
export const STATE_VIEW_REF = id('state-view');

export const caseIdParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 1000, description: 'The case id (the business key).' } },
} as const;

export const startRequest = {
  $id: 'https://docket.dev/schemas/http/start-request.schema.json',
  title: 'start request',
  description:
    'Start a case of a deployed process. The case id is the business key: starting an id that exists returns that case (200, `existing: true`).',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'process'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 1000, description: 'The business key, used as the workflow id.' },
    process: { type: 'string', minLength: 1, description: 'Process id of a deployed definition, e.g. `complaint`.' },
    version: { $ref: `${id('start-input')}#/$defs/versionSelector` },
    input: { type: 'object', description: "The start payload, checked against the definition's `input` schema." },
  },
} as const;

export const startedCase = {
  $id: 'https://docket.dev/schemas/http/started-case.schema.json',
  title: 'started case',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'runId', 'existing', 'process', 'definitionHash', 'status'],
  properties: {
    id: { type: 'string' },
    runId: { type: 'string' },
    existing: { type: 'boolean', description: 'True when a case with this id already existed (nothing was started).' },
    process: { type: 'string' },
    definitionHash: { type: 'string' },
    definitionVersion: { type: 'integer', minimum: 1 },
    status: { $ref: `${id('state-view')}#/$defs/caseStatus` },
  },
} as const;

export const eventRequest = {
  $id: 'https://docket.dev/schemas/http/event-request.schema.json',
  title: 'event request',
  description:
    'An event for a case. The actor is the verified caller (from the bearer token); `actor` may be left out, and when given it must be that caller (canonical id) with a subset of their roles, or the request is refused as ACTOR_MISMATCH.',
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { $ref: `${id('event-input')}#/properties/type` },
    data: { $ref: `${id('event-input')}#/properties/data` },
    actor: { $ref: `${id('event-input')}#/$defs/actor` },
  },
} as const;

export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    process: { type: 'string', minLength: 1, description: 'Only cases of this process.' },
    hash: { type: 'string', pattern: '^[0-9a-f]{8,64}$', description: 'Only cases on this definition hash (8+ characters as a prefix).' },
    state: {
      type: 'string',
      minLength: 1,
      description:
        'Only cases in this state (a dotted path, in any parallel region; ancestors match too), or whose first state starts with it.',
    },
    status: { enum: ['running', 'closed'], description: 'Only running or only closed cases.' },
    query: {
      type: 'string',
      minLength: 1,
      description: "An extra Temporal visibility query ANDed with the rest, e.g. `DocketPriority = 'P0'`.",
    },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
} as const;

export const caseList = {
  $id: 'https://docket.dev/schemas/http/case-list.schema.json',
  title: 'case list',
  type: 'object',
  additionalProperties: false,
  required: ['query', 'cases'],
  properties: {
    query: { type: 'string', description: 'The visibility query used (also works with `temporal workflow list --query`).' },
    cases: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'runId', 'status', 'startTime'],
        properties: {
          id: { type: 'string' },
          runId: { type: 'string' },
          status: { type: 'string', description: "Temporal's execution status, e.g. RUNNING, COMPLETED." },
          process: { type: 'string' },
          state: { type: 'string' },
          definitionHash: { type: 'string' },
          priority: { type: 'string' },
          category: { type: 'string' },
          owner: { type: 'string' },
          outcome: { type: 'string' },
          startTime: { type: 'string', format: 'date-time' },
          closeTime: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
} as const;

export const auditQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    format: { enum: ['json', 'text', 'md', 'html'], default: 'json' },
    replay: {
      type: 'boolean',
      default: false,
      description: 'Replay the history with the workflow code first (slow: bundles the workflows unless DOCKET_WORKFLOW_BUNDLE is set).',
    },
  },
} as const;

export const problem = {
  $id: 'https://docket.dev/schemas/http/problem.schema.json',
  title: 'problem details (RFC 9457)',
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'What was wrong, for people.' },
    code: { type: 'string', description: 'A rejection code of the wire contract, or one of the API codes (docs/error-codes.md).' },
    instance: { type: 'string' },
    allowed: { type: 'array', items: { type: 'string' }, description: "With a refused event: the events the sender's roles may send now." },
    rule: { type: 'string', description: 'With ACCESS_DENIED: the access rule that refused it, e.g. `access.read.customer`.' },
    problems: { type: 'array', items: { type: 'string' } },
    failure: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      description: 'With CASE_FAILED: why the case failed (the code and message `docket result` gives).',
    },
  },
} as const;

/** The API's own schemas, added to the validator and to the OpenAPI components. */
export const httpSchemas = { startRequest, startedCase, eventRequest, caseList, problem } as const;

/** `application/problem+json` responses for the given statuses. */
export function problemResponses(...statuses: number[]): Record<number, unknown> {
  const out: Record<number, unknown> = {};
  for (const status of statuses)
    out[status] = { description: 'problem details', content: { 'application/problem+json': { schema: { $ref: problem.$id } } } };
  return out;
}
