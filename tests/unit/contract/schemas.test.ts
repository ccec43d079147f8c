/**
 * The contract's JSON Schemas (contract/schemas/): realistic payloads validate, wrong ones are
 * refused with the field named, and the schemas stay in step with the TypeScript types (samples
 * are typed with `satisfies`, enums are compared with exhaustive records of the TS unions).
 */
import { packDefinition, unpackDefinition } from '../../../contract/packed-definition';
import { definitionHash } from '../../../dsl/hash';
import path from 'node:path';
import type { ErrorObject } from 'ajv';
import { contractSchemas, contractValidator, type ContractSchemaName, type ContractSchemaRef } from '../../../contract/schemas';
import type {
  CaseFailureCode,
  CaseStatus,
  EventInput,
  EventResult,
  ProcessArgs,
  ProcessResult,
  Rejection,
  RejectionCode,
  ResolvedDefinition,
  ResolveRequest,
  StateView,
  TimelineEntry,
  TimelinePage,
} from '../../../contract/wire';
import type {
  DefinitionLookup,
  DefinitionRequest,
  DeployedDefinition,
  DeployedVersion,
  DeployRequest,
  DeployResult,
  ListDefinitionsRequest,
  ProcessVersions,
  RegistryErrorCode,
  SetCurrentRequest,
} from '../../../contract/registry';
import { loadDefinitionFile } from '../../../dsl/load';
import type { ProcessDefinition } from '../../../dsl/types';

const HASH = 'e6476a1413aa5129bcc4fa2635af01e5287e0c0a5acb1f02165e75c54fcd1aef';
const CHILD_HASH = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const AT = '2025-03-04T08:15:30.123Z';

function check(ref: ContractSchemaRef, value: unknown): { ok: boolean; errors: ErrorObject[] } {
  const validate = contractValidator(ref);
  const ok = validate(value) as boolean;
  return { ok, errors: validate.errors ?? [] };
}

/** Validates, and on failure shows ajv's errors in the assertion message. */
function expectValid(ref: ContractSchemaRef, value: unknown): void {
  const { errors } = check(ref, value);
  expect(errors.map((e) => `${e.instancePath || '/'} ${e.message}`)).toEqual([]);
}

/** Refused, with an error at `instancePath` (the field) whose message or params name `mentions`. */
function expectRefused(ref: ContractSchemaRef, value: unknown, instancePath: string, mentions?: string): void {
  const { ok, errors } = check(ref, value);
  expect(ok).toBe(false);
  const at = errors.filter((e) => e.instancePath === instancePath);
  expect(at.map((e) => e.message)).not.toEqual([]);
  if (mentions) expect(at.map((e) => `${e.message} ${JSON.stringify(e.params)}`).join('\n')).toContain(mentions);
}

const actor = { id: 'ana', roles: ['agent'] };

const timeline = [
  { kind: 'started', at: AT, state: ['triage'], definition: 'complaint', hash: HASH },
  { kind: 'transition', at: AT, event: 'CLASSIFY', actor, from: ['triage'], to: ['handling.working'], data: { category: 'billing' } },
  { kind: 'invoke', at: AT, state: 'handling.working', activity: 'notify', status: 'done', output: { delivered: true } },
  { kind: 'invoke', at: AT, state: 'handling.working', process: 'refund-approval', status: 'failed', error: 'child failed' },
  { kind: 'transition', at: AT, event: 'invoke.done', from: ['handling.working'], to: ['handling.waiting_response'] },
  {
    kind: 'rejected',
    at: AT,
    event: 'CLOSE',
    actor,
    code: 'EVENT_NOT_ALLOWED',
    reason: 'event CLOSE is not allowed in state handling.waiting_response',
  },
  { kind: 'deadline', at: AT, name: 'response deadline', state: 'handling.waiting_response', due: AT, target: 'escalated' },
  { kind: 'transition', at: AT, event: 'after:response deadline', from: ['handling.waiting_response'], to: ['escalated'] },
  { kind: 'continued', at: AT, run: 2, state: ['escalated'] },
  { kind: 'completed', at: AT, outcome: 'resolved', state: ['resolved'] },
] satisfies TimelineEntry[];

const stateView = {
  workflowId: 'C-1001',
  process: 'complaint',
  title: 'Customer complaint',
  definitionHash: HASH,
  definitionVersion: 3,
  status: 'running',
  state: ['handling.waiting_response'],
  context: { owner: 'ana', escalations: 0, notes: [] },
  allowed: { agent: ['ACCEPT'], supervisor: [] },
  deadlines: [
    { name: 'response deadline', state: 'handling.waiting_response', due: '2025-03-05T08:15:30.123Z', target: 'escalated' },
    { name: 'reminder', state: 'handling', due: '2025-03-06T08:15:30.123Z' },
  ],
  children: [
    { id: 'C-1001/refund-approval-1', process: 'refund-approval', invokedIn: 'refunding', state: ['review'], status: 'running' },
    { id: 'C-1001/refund-approval-2', process: 'refund-approval', invokedIn: 'refunding' },
  ],
  timeline,
} satisfies StateView;

describe('contract schemas: shape', () => {
  it('every contract schema is draft 2020-12 with a docket $id named after its file', () => {
    for (const [name, schema] of Object.entries(contractSchemas)) {
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(`https://docket.dev/schemas/${name}.schema.json`);
      expect(typeof schema.description).toBe('string');
    }
  });

  it('every property of every schema (and of every $defs entry) has a description', () => {
    const missing: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}/${i}`));
      if (!node || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      for (const [key, child] of Object.entries(record)) {
        if (key === 'properties' && child && typeof child === 'object') {
          for (const [prop, sub] of Object.entries(child)) {
            if (typeof (sub as { description?: unknown }).description !== 'string') missing.push(`${where}/properties/${prop}`);
          }
        }
        // `enum`/`const` values are data, not schemas.
        if (key !== 'enum' && key !== 'const') walk(child, `${where}/${key}`);
      }
    };
    for (const [name, schema] of Object.entries(contractSchemas)) walk(schema, name);
    expect(missing).toEqual([]);
  });

  it('every schema and every $defs entry compiles (refs across files resolve)', () => {
    for (const [name, schema] of Object.entries(contractSchemas) as Array<[ContractSchemaName, { $defs?: object }]>) {
      expect(typeof contractValidator(name)).toBe('function');
      for (const def of Object.keys(schema.$defs ?? {})) expect(typeof contractValidator(`${name}#/$defs/${def}`)).toBe('function');
    }
    expect(() => contractValidator('nope' as ContractSchemaName)).toThrow(/no contract schema "nope"/);
    expect(() => contractValidator('registry#/$defs/nope')).toThrow();
  });
});

describe('contract schemas: in step with the TypeScript unions', () => {
  const enumOf = (ref: ContractSchemaRef): string[] => [...(contractValidator(ref).schema as { enum: string[] }).enum].sort();
  // Exhaustive records: tsc fails when a union gains or loses a member the record does not list.
  const rejectionCodes: Record<RejectionCode, true> = {
    UNKNOWN_EVENT: true,
    EVENT_NOT_ALLOWED: true,
    ROLE_NOT_ALLOWED: true,
    INVALID_PAYLOAD: true,
    GUARD_FAILED: true,
    CASE_STARTING: true,
    CASE_CLOSED: true,
    INVALID_EVENT: true,
    PAYLOAD_TOO_LARGE: true,
    UNAUTHENTICATED: true,
    SAME_ACTOR: true,
  };
  const failureCodes: Record<CaseFailureCode, true> = {
    INVALID_START: true,
    DEFINITION_NOT_FOUND: true,
    INVALID_DEFINITION: true,
    INLINE_DEFINITION_REFUSED: true,
    INVALID_INPUT: true,
    PROCESS_FAILED: true,
    EXPRESSION_FAILED: true,
    DECISION_NOT_UNIQUE: true,
    LOOP_DETECTED: true,
  };
  const statuses: Record<CaseStatus, true> = {
    starting: true,
    running: true,
    compensating: true,
    completed: true,
    failed: true,
    terminated: true,
    cancelled: true,
    timed_out: true,
    continued_as_new: true,
  };
  const kinds: Record<TimelineEntry['kind'], true> = {
    started: true,
    transition: true,
    rejected: true,
    deadline: true,
    invoke: true,
    continued: true,
    completed: true,
  };
  const registryCodes: Record<RegistryErrorCode, true> = { INVALID_DEFINITION: true, DEFINITION_NOT_FOUND: true, INVALID_REQUEST: true };

  it('RejectionCode, CaseFailureCode, CaseStatus, RegistryErrorCode and the timeline kinds', () => {
    expect(enumOf('rejection#/$defs/rejectionCode')).toEqual(Object.keys(rejectionCodes).sort());
    expect(enumOf('process-result#/$defs/caseFailureCode')).toEqual(Object.keys(failureCodes).sort());
    expect(enumOf('state-view#/$defs/caseStatus')).toEqual(Object.keys(statuses).sort());
    expect(enumOf('registry#/$defs/registryErrorCode')).toEqual(Object.keys(registryCodes).sort());
    const entry = contractSchemas['timeline-entry'];
    expect([...entry.properties.kind.enum].sort()).toEqual(Object.keys(kinds).sort());
    expect(entry.oneOf.map((b) => b.$ref.replace('#/$defs/', '')).sort()).toEqual(Object.keys(kinds).sort());
  });
});

describe('contract schemas: realistic payloads validate', () => {
  it('a StateView as the workflow produces it, with one timeline entry of each kind', () => {
    expectValid('state-view', stateView);
    expect(new Set(timeline.map((t) => t.kind)).size).toBe(7);
    for (const entry of timeline) expectValid('timeline-entry', entry);
    // A closed case: no allowed events, an outcome; inline definitions have no version.
    const { definitionVersion: _v, ...inline } = stateView;
    expectValid('state-view', { ...inline, status: 'completed', allowed: {}, deadlines: [], outcome: 'resolved' } satisfies StateView);
  });

  it('a StateView with a page of the timeline, and the page argument of the state Query', () => {
    expectValid('state-view', { ...stateView, timeline: timeline.slice(8), timelineFrom: 8, timelineTotal: 10 } satisfies StateView);
    expectRefused('state-view', { ...stateView, timelineFrom: -1 }, '/timelineFrom');
    expectValid('state-view#/$defs/timelinePage', {} satisfies TimelinePage);
    expectValid('state-view', {
      ...stateView,
      stuck: { attempts: 3, cause: 'WORKFLOW_WORKER_UNHANDLED_FAILURE', message: 'boom' },
    } satisfies StateView);
    expectRefused('state-view', { ...stateView, stuck: { attempts: 0, cause: 'X', message: '' } }, '/stuck/attempts');
    expectValid('state-view#/$defs/timelinePage', { timelineFrom: 20, timelineLimit: 50 } satisfies TimelinePage);
    expectRefused('state-view#/$defs/timelinePage', { timelineLimit: 'all' }, '/timelineLimit');
  });

  it('an EventResult: the entries the event added and the context keys it changed, not the whole case', () => {
    const result = {
      status: 'running',
      state: ['escalated'],
      allowed: { supervisor: ['ACCEPT'] },
      deadlines: [],
      changed: { escalations: 1 },
      timeline: timeline.slice(6, 8),
      timelineFrom: 6,
    } satisfies EventResult;
    expectValid('event-result', result);
    expectValid('event-result', { ...result, status: 'completed', allowed: {}, outcome: 'resolved' } satisfies EventResult);
    expectRefused('event-result', { ...result, context: {} }, '');
    // The case id is not repeated (the caller addressed the Update to it), and a role listed may send something.
    expectRefused('event-result', { ...result, workflowId: 'C-1001' }, '');
    expectRefused('event-result', { ...result, allowed: { customer: [] } }, '/allowed/customer');
    const { changed: _c, ...withoutChanged } = result;
    expectRefused('event-result', withoutChanged, '');
  });

  it('the StateView of a case still resolving its definition (status starting, no hash yet)', () => {
    const starting = {
      workflowId: 'C-1002',
      process: 'complaint',
      title: '',
      definitionHash: '',
      status: 'starting',
      state: [],
      context: {},
      allowed: {},
      deadlines: [],
      timeline: [],
    } satisfies StateView;
    expectValid('state-view', starting);
    expectRefused('state-view', { ...starting, status: 'running' }, '/definitionHash');
    expectRefused('state-view', { ...starting, definitionHash: 'abc' }, '/definitionHash');
  });

  it('EventInput with data, without data, and with data null (absent)', () => {
    expectValid('event-input', { type: 'ACCEPT', actor, data: { note: 'on it' } } satisfies EventInput);
    expectValid('event-input', { type: 'ACCEPT', actor: { id: 'sys', roles: [] } } satisfies EventInput);
    expectValid('event-input', { type: 'ACCEPT', actor, data: null });
  });

  it('ProcessArgs by name: latest, version number, full hash, hash prefix', () => {
    expectValid('start-input', { process: 'complaint' } satisfies ProcessArgs);
    expectValid('start-input', { process: 'complaint', version: 3, input: { customerId: 'K-1' } } satisfies ProcessArgs);
    expectValid('start-input', { process: 'complaint', version: HASH, input: {}, continueAsNewAfter: 500 } satisfies ProcessArgs);
    expectValid('start-input', { process: 'complaint', version: HASH.slice(0, 8) } satisfies ProcessArgs);
    expectValid('start-input', { process: 'dev', definition: { anything: 'the worker validates it' } } satisfies ProcessArgs);
  });

  it('a continued-as-new start input (engine-only resume)', () => {
    const args = {
      process: 'complaint',
      version: 3,
      input: {},
      resume: {
        snapshot: { value: { handling: 'waiting_response' }, context: {} },
        deadlines: [
          { key: 'k1', name: 'response deadline', state: 'handling.waiting_response', dueMs: 1741162530123, target: 'escalated' },
        ],
        timeline: timeline.slice(0, 2),
        run: 2,
        children: { 'refund-approval': CHILD_HASH },
      },
    } satisfies ProcessArgs;
    expectValid('start-input', args);
  });

  it('Rejection, ProcessResult', () => {
    expectValid('rejection', {
      code: 'EVENT_NOT_ALLOWED',
      message: 'event CLOSE is not allowed in state handling.waiting_response',
      allowed: ['ACCEPT'],
    } satisfies Rejection);
    expectValid('rejection', { code: 'GUARD_FAILED', message: 'APPROVE refused' } satisfies Rejection);
    expectValid('process-result', {
      outcome: 'resolved',
      state: ['resolved'],
      context: { owner: 'ana' },
      definitionHash: HASH,
      timelineTotal: 12,
    } satisfies ProcessResult);
    // A result recorded before 2026-12-02 repeated the whole timeline: still valid.
    expectValid('process-result', {
      outcome: 'resolved',
      state: ['resolved'],
      context: {},
      definitionHash: HASH,
      timelineTotal: 2,
      timeline: [timeline[0], timeline[9]],
    } satisfies ProcessResult);
  });

  it('ResolvedDefinition with a shipped definition (shared decisions merged), and ResolveRequest', async () => {
    const loaded = await loadDefinitionFile(path.join(__dirname, '..', '..', '..', 'definitions', 'refund-approval.yaml'));
    expect(loaded.diagnostics).toEqual([]);
    const resolved = {
      process: 'refund-approval',
      hash: loaded.hash!,
      definition: loaded.definition!,
      children: {},
      source: 'registry',
      version: 4,
      deployedBy: 'release-bot',
      deployedAt: AT,
    } satisfies ResolvedDefinition;
    // As recorded before 2026-12-02 (plain JSON), and as recorded since (packed).
    expectValid('resolved-definition', resolved);
    const { definition, ...rest } = resolved;
    const packed = { ...rest, definitionDeflated: packDefinition(definition) } satisfies ResolvedDefinition;
    expectValid('resolved-definition', packed);
    expect(definitionHash(unpackDefinition(packed))).toBe(loaded.hash);
    expectValid('resolved-definition', { ...packed, source: 'inline', version: undefined, deployedBy: undefined, deployedAt: undefined });
    expectValid('resolved-definition', { ...resolved, source: 'inline', version: undefined, deployedBy: undefined, deployedAt: undefined });
    expectRefused('resolved-definition', { ...packed, definition }, '');
    expectRefused('resolved-definition', rest, '');
    expectRefused('resolved-definition', { ...rest, definitionDeflated: 'not base64!' }, '/definitionDeflated');
    expectValid('resolved-definition#/$defs/resolveRequest', {
      process: 'complaint',
      version: 2,
      children: { 'refund-approval': CHILD_HASH },
    } satisfies ResolveRequest);
  });

  it('registry requests and results', () => {
    const v1 = {
      process: 'complaint',
      version: 1,
      hash: HASH,
      deployedBy: 'ana',
      deployedAt: AT,
      note: 'JIRA-12',
    } satisfies DeployedVersion;
    expectValid('registry#/$defs/deployRequest', {
      definitions: [{ process: 'complaint' }],
      deployedBy: 'ana',
      note: 'JIRA-12',
    } satisfies DeployRequest);
    expectValid('registry#/$defs/deployResult', { deployed: [{ ...v1, change: 'new' }] } satisfies DeployResult);
    expectValid('registry#/$defs/setCurrentRequest', {
      process: 'complaint',
      version: HASH.slice(0, 12),
      by: 'ana',
    } satisfies SetCurrentRequest);
    expectValid('registry#/$defs/deployedVersion', v1);
    expectValid('registry#/$defs/listDefinitionsRequest', {} satisfies ListDefinitionsRequest);
    const versions = {
      process: 'complaint',
      title: 'Customer complaint',
      current: 1,
      versions: [v1],
      log: [{ version: 1, by: 'ana', at: AT, action: 'deploy' }],
    } satisfies ProcessVersions;
    expectValid('registry#/$defs/processVersionsList', [versions]);
    expectValid('registry#/$defs/definitionRequest', { process: 'complaint', version: 1 } satisfies DefinitionRequest);
    const definition: ProcessDefinition = {
      process: 'complaint',
      title: 'T',
      roles: ['agent'],
      initial: 'open',
      states: { open: { type: 'final', outcome: 'done' } },
    };
    expectValid('registry#/$defs/deployedDefinition', { ...v1, definition, current: true } satisfies DeployedDefinition);
    expectValid('registry#/$defs/definitionLookup', { found: { ...v1, definition, current: true } } satisfies DefinitionLookup);
    expectValid('registry#/$defs/definitionLookup', {
      refused: { code: 'DEFINITION_NOT_FOUND', message: 'process "nope" is not deployed' },
    } satisfies DefinitionLookup);
  });
});

describe('contract schemas: wrong payloads are refused, naming the field', () => {
  it('start input without process', () => {
    expectRefused('start-input', { version: 3 }, '', 'process');
    expectRefused('start-input', { process: '' }, '/process');
  });

  it('start input with version "abc", 0, a 7-character prefix or upper-case hex', () => {
    expectRefused('start-input', { process: 'complaint', version: 'abc' }, '/version', 'pattern');
    expectRefused('start-input', { process: 'complaint', version: 0 }, '/version');
    expectRefused('start-input', { process: 'complaint', version: HASH.slice(0, 7) }, '/version');
    expectRefused('start-input', { process: 'complaint', version: HASH.toUpperCase() }, '/version');
    expectRefused('start-input', { process: 'complaint', version: 2.5 }, '/version');
  });

  it('start input with an unknown member or a non-object input', () => {
    expectRefused('start-input', { process: 'complaint', bundle: {} }, '', 'bundle');
    expectRefused('start-input', { process: 'complaint', input: [1] }, '/input');
  });

  it('event without actor id, with empty type, with data that is not an object', () => {
    expectRefused('event-input', { type: 'ACCEPT', actor: { roles: ['agent'] } }, '/actor', 'id');
    expectRefused('event-input', { type: 'ACCEPT', actor: { id: '', roles: [] } }, '/actor/id');
    expectRefused('event-input', { type: '', actor }, '/type');
    expectRefused('event-input', { type: 'ACCEPT', actor: { id: 'ana', roles: 'agent' } }, '/actor/roles');
    expectRefused('event-input', { type: 'ACCEPT', actor, data: [] }, '/data');
  });

  it('a timeline entry of unknown kind, or missing a member of its kind', () => {
    expectRefused('timeline-entry', { kind: 'paused', at: AT }, '/kind');
    expectRefused('state-view', { ...stateView, timeline: [...timeline, { kind: 'paused', at: AT }] }, '/timeline/10/kind');
    expectRefused('timeline-entry', { kind: 'transition', at: AT, event: 'X', from: [] }, '', 'to');
    expectRefused('timeline-entry', { kind: 'invoke', at: AT, state: 'a', status: 'done' }, '', 'activity');
    expectRefused('timeline-entry', { kind: 'started', at: 'yesterday', state: [], definition: 'p', hash: HASH }, '/at');
  });

  it('a rejection whose code is not a RejectionCode', () => {
    expectRefused('rejection', { code: 'NOPE', message: 'x' }, '/code', 'allowedValues');
    expectRefused('rejection', { code: 'INVALID_START', message: 'x' }, '/code');
  });

  it('a state view with an unknown status or a short hash', () => {
    expectRefused('state-view', { ...stateView, status: 'paused' }, '/status');
    expectRefused('state-view', { ...stateView, definitionHash: HASH.slice(0, 8) }, '/definitionHash');
  });

  it('an inline resolved definition with a version; a definition that is not one', () => {
    const resolved = {
      process: 'p',
      hash: HASH,
      definition: { process: 'p', title: 'P', roles: [], initial: 'a', states: { a: { type: 'final', outcome: 'ok' } } },
      children: {},
      source: 'inline',
    };
    expectValid('resolved-definition', resolved);
    expectRefused('resolved-definition', { ...resolved, version: 1 }, '/version');
    expectRefused('resolved-definition', { ...resolved, definition: { process: 'p' } }, '/definition', 'title');
  });

  it('registry payloads with a missing or unknown member', () => {
    expectRefused('registry#/$defs/deployRequest', { definitions: [{}] }, '', 'deployedBy');
    expectRefused('registry#/$defs/deployRequest', { definitions: [], deployedBy: 'ana' }, '/definitions');
    expectRefused('registry#/$defs/deployRequest', { definitions: [{}], deployedBy: '  ' }, '/deployedBy');
    expectRefused('registry#/$defs/definitionLookup', {}, '', 'found');
    expectRefused(
      'registry#/$defs/deployResult',
      { deployed: [{ process: 'p', version: 1, hash: HASH, deployedBy: 'a', deployedAt: AT, change: 'moved' }] },
      '/deployed/0/change',
    );
    expectRefused(
      'registry#/$defs/deployedVersion',
      { process: 'p', version: 1, hash: HASH, deployedBy: 'a', deployedAt: AT, change: 'new' },
      '',
      'change',
    );
  });
});
