/**
 * `docket serve` on loopback, against the test Temporal server and a loopback identity provider
 * (JWKS over HTTP, Keycloak-style claims). Every request is a plain HTTP request with a bearer
 * token, as curl sends it; the TypeScript client only deploys and inspects histories.
 */
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { CaseSummary, StateView } from '../../client';
import type { TimelineEntry } from '../../contract/wire';
import { contractValidator } from '../../contract/schemas';
import { processClientCases } from '../../http/case-service';
import { parseIdentityConfig } from '../../http/identity-config';
import { buildServer } from '../../http/server';
import { startHarness, type Harness } from '../support/harness';
import { startLoopbackIdp, type LoopbackIdp } from '../support/loopback-idp';
import { settledHistoryLength } from '../support/settled-history';
import { withTimings } from '../support/test-definitions';

let h: Harness;
let idp: LoopbackIdp;
let app: FastifyInstance;
let base: string;
const logLines: string[] = [];

beforeAll(async () => {
  h = await startHarness();
  // Complaints with follow-ups a second apart, so one runs to its end within the test.
  await h.docket.deploy([withTimings('complaint', { confirmAfter: '1s', satisfactionAfter: '1s', followUpWindow: '1h' })], {
    deployedBy: 'http-test',
  });
  idp = await startLoopbackIdp();
  const identity = parseIdentityConfig({
    issuer: idp.issuer,
    audience: 'docket',
    jwksUrl: idp.jwksUrl,
    claims: { id: 'preferred_username', roles: ['realm_access.roles'], roleMap: { 'support-lead': 'lead', 'support-agent': 'agent' } },
    access: {
      start: { complaint: ['agent', 'customer'], 'refund-approval': ['agent', 'lead'], '*': ['admin'] },
      read: { customer: { own: 'customerId' }, agent: 'all', lead: 'all', supervisor: 'all', finance: 'all', admin: 'all' },
    },
  });
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  ({ app } = await buildServer({ cases: processClientCases(h.docket), identity, logger }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app?.close();
  await idp?.stop();
  await h?.stop();
});

/**
 * An answer's JSON body as the tests read it: one of the API's shapes (a case view, a problem, a
 * list, an export), each field present when the answer is of the shape that has it.
 */
type Body = Partial<StateView> & {
  code?: string;
  detail?: string;
  rule?: string;
  problems?: unknown[];
  id?: string;
  process?: string;
  existing?: boolean;
  cases?: CaseSummary[];
  query?: string;
  events?: Array<{ eventType: string }>;
  case?: { workflowId: string };
};

interface Answer {
  status: number;
  type: string;
  /** The parsed JSON body (`{}` when the answer is not JSON). */
  body: Body;
  /** The body as sent. */
  text: string;
}

async function api(
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    // A string is sent as it is (a body that is not JSON, or JSON the test spells out).
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, body: type.includes('json') ? (JSON.parse(text) as Body) : {}, text };
}

const complaint = (customerId: string) => ({
  customerId,
  customerName: 'Li Wei',
  contact: 'li@example.com',
  channel: 'app',
  category: { level1: 'logistics_delay' },
  description: 'Parcel two weeks late',
  impact: 'ordinary',
});

const tokenFor = (user: string, ...roles: string[]) => idp.token(user, roles);

async function waitForState(id: string, state: string, token: string): Promise<Body> {
  const until = Date.now() + 30_000;
  for (;;) {
    const { body } = await api('GET', `/cases/${encodeURIComponent(id)}`, token);
    if (body.state?.includes(state)) return body;
    if (Date.now() > until) throw new Error(`${id} never reached ${state}: ${JSON.stringify(body.state)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function startRefund(name: string, amount: number, requestedBy = 'alice'): Promise<string> {
  const id = h.caseId(name);
  const agent = await tokenFor('Ann.Agent', 'support-agent');
  const started = await api('POST', '/cases', agent, { id, process: 'refund-approval', input: { caseId: 'C-9', amount, requestedBy } });
  expect(started.status).toBe(201);
  return id;
}

function expectProblem(answer: Answer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status, code });
  expect(answer.type).toContain('application/problem+json');
  expect(JSON.stringify(answer.body)).not.toMatch(/\n\s+at /); // no stack trace
}

describe('events carry the verified caller', () => {
  it('lets a lead approve a 680 refund, answering the contract result', async () => {
    const id = await startRefund('lead-680', 680);
    await waitForState(id, 'review.lead', await tokenFor('chen', 'support-lead'));
    const answer = await api('POST', `/cases/${id}/events`, await tokenFor('chen', 'support-lead'), {
      type: 'APPROVE',
      data: { note: 'order checked' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.state).toEqual(['paying']);
    const view = await api('GET', `/cases/${id}`, await tokenFor('chen', 'support-lead'));
    expect(contractValidator('state-view')(view.body)).toBe(true);
    const approval = view.body.timeline?.find(
      (e): e is Extract<TimelineEntry, { kind: 'transition' }> => e.kind === 'transition' && e.event === 'APPROVE',
    );
    // The case took the actor from the API server's signed assertion, naming the identity provider that vouched for chen.
    expect(approval?.actor).toEqual({ id: 'chen', roles: ['lead'], issuer: idp.issuer });
  });

  it('applies an event sent twice with the same Idempotency-Key once, answering the first result again', async () => {
    const id = await startRefund('idempotent-680', 680);
    const lead = await tokenFor('chen', 'support-lead');
    await waitForState(id, 'review.lead', lead);
    const key = { 'idempotency-key': 'approve-once' };
    const first = await api('POST', `/cases/${id}/events`, lead, { type: 'APPROVE', data: { note: 'order checked' } }, key);
    const second = await api('POST', `/cases/${id}/events`, lead, { type: 'APPROVE', data: { note: 'order checked' } }, key);
    expect(first.status).toBe(200);
    expect(second).toEqual(first);
    const { events } = JSON.parse(await h.docket.history(id)) as {
      events: Array<{ workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest?: { meta?: { updateId?: string } } } }>;
    };
    const accepted = events.filter(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === 'http:chen:approve-once',
    );
    expect(accepted).toHaveLength(1);
    // Without the key the repeat is a new event, which the case refuses now.
    const fresh = await api('POST', `/cases/${id}/events`, lead, { type: 'APPROVE', data: { note: 'order checked' } });
    expect(fresh.status).toBe(409); // EVENT_NOT_ALLOWED while paying, CASE_CLOSED once paid
  });

  it('refuses the same lead on a 2400 refund as ROLE_NOT_ALLOWED, with what they may send', async () => {
    const id = await startRefund('lead-2400', 2400);
    const lead = await tokenFor('chen', 'support-lead');
    await waitForState(id, 'review.supervisor', lead);
    const answer = await api('POST', `/cases/${id}/events`, lead, { type: 'APPROVE' });
    expectProblem(answer, 403, 'ROLE_NOT_ALLOWED');
    expect(answer.body.detail).toContain('APPROVE');
  });

  it('refuses the requester approving their own refund as GUARD_FAILED, however they spell their name', async () => {
    const id = await startRefund('self-approval', 680, 'alice');
    await waitForState(id, 'review.lead', await tokenFor('chen', 'support-lead'));
    const before = await settledHistoryLength(h.docket, id);
    for (const spelling of ['alice', 'Alice', 'alice ', ' ALICE']) {
      const answer = await api('POST', `/cases/${id}/events`, await tokenFor(spelling, 'support-lead'), { type: 'APPROVE' });
      expectProblem(answer, 409, 'GUARD_FAILED');
    }
    expect(await settledHistoryLength(h.docket, id)).toBe(before);
  });

  it('refuses a body that names another actor or roles the token does not carry', async () => {
    const id = await startRefund('mallory', 800);
    const mallory = await tokenFor('mallory', 'support-agent');
    await waitForState(id, 'review.lead', mallory);
    const other = await api('POST', `/cases/${id}/events`, mallory, { type: 'APPROVE', actor: { id: 'chen', roles: ['lead'] } });
    expectProblem(other, 403, 'ACTOR_MISMATCH');
    const roles = await api('POST', `/cases/${id}/events`, mallory, {
      type: 'APPROVE',
      actor: { id: 'mallory', roles: ['lead', 'admin', 'root'] },
    });
    expectProblem(roles, 403, 'ACTOR_MISMATCH');
    expect(roles.body.detail).toContain('lead, admin, root');
    // As themselves, in their own role: the gate decides, and an agent may not approve.
    const own = await api('POST', `/cases/${id}/events`, mallory, { type: 'APPROVE', actor: { id: 'Mallory', roles: ['agent'] } });
    expectProblem(own, 403, 'ROLE_NOT_ALLOWED');
  });
});

describe('tokens', () => {
  it('answers 401 for no token, an expired one, a forged one, another audience or issuer, and counts them', async () => {
    const id = h.caseId('nobody');
    const cases = [
      ['missing-token', undefined],
      ['expired', await idp.token('chen', ['support-lead'], { expiresIn: -120 })],
      // Signed by a key the provider never published, under the provider's key id.
      ['bad-signature', await idp.token('chen', ['support-lead'], { signWith: idp.strangerKey })],
      ['wrong-audience', await idp.token('chen', ['support-lead'], { audience: 'another-api' })],
      ['wrong-issuer', await idp.token('chen', ['support-lead'], { issuer: 'https://evil.example' })],
      ['malformed', 'not.a.jwt'],
    ] as const;
    for (const [reason, token] of cases) {
      const answer = await api('POST', `/cases/${id}/events`, token, { type: 'APPROVE' });
      expectProblem(answer, 401, 'UNAUTHENTICATED');
      expect(logLines.filter((l) => l.includes('authentication refused')).pop()).toContain(`"reason":"${reason}"`);
    }
    const metrics = await api('GET', '/metrics', undefined);
    expect(metrics.text).toMatch(/docket_http_auth_refused_total\{reason="expired"\} [1-9]/);
    expect(metrics.text).toMatch(/docket_http_auth_refused_total\{reason="bad-signature"\} [1-9]/);
  });

  it('refuses a token signed with a published key but tampered afterwards', async () => {
    const token = await tokenFor('chen', 'support-lead');
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.realm_access.roles.push('finance');
    const forged = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    expectProblem(await api('GET', '/cases', forged), 401, 'UNAUTHENTICATED');
  });
});

describe('access rules', () => {
  it("lets a customer read their own case and refuses another customer's, naming the rule", async () => {
    const mine = h.caseId('cust-a-case');
    const theirs = h.caseId('cust-b-case');
    const a = await tokenFor('cust-a', 'customer');
    const b = await tokenFor('cust-b', 'customer');
    expect((await api('POST', '/cases', a, { id: mine, process: 'complaint', input: complaint('cust-a') })).status).toBe(201);
    expect((await api('POST', '/cases', b, { id: theirs, process: 'complaint', input: complaint('cust-b') })).status).toBe(201);
    await waitForState(mine, 'awaiting_response', a);
    const other = await api('GET', `/cases/${theirs}`, a);
    expectProblem(other, 403, 'ACCESS_DENIED');
    expect(other.body.rule).toBe('access.read.customer');
    expectProblem(await api('GET', `/cases/${theirs}/history`, a), 403, 'ACCESS_DENIED');
    expectProblem(await api('POST', `/cases/${theirs}/events`, a, { type: 'CONFIRM_SOLVED' }), 403, 'ACCESS_DENIED');
    expectProblem(await api('GET', '/cases', a), 403, 'ACCESS_DENIED');
  });

  it('refuses a start the rules do not allow, naming the rule', async () => {
    const customer = await tokenFor('cust-c', 'customer');
    const refund = await api('POST', '/cases', customer, {
      id: h.caseId('cust-refund'),
      process: 'refund-approval',
      input: { caseId: 'C-1', amount: 10, requestedBy: 'cust-c' },
    });
    expectProblem(refund, 403, 'ACCESS_DENIED');
    expect(refund.body.rule).toBe('access.start.refund-approval');
    // A customer may start a complaint only for themselves.
    const forOther = await api('POST', '/cases', customer, {
      id: h.caseId('cust-for-other'),
      process: 'complaint',
      input: complaint('cust-d'),
    });
    expectProblem(forOther, 403, 'ACCESS_DENIED');
  });
});

describe('the API itself', () => {
  it('answers problem details for an unknown case, a bad body, invalid input and an unknown process', async () => {
    const lead = await tokenFor('chen', 'support-lead');
    expectProblem(await api('GET', `/cases/${h.caseId('no-such-case')}`, lead), 404, 'CASE_NOT_FOUND');
    const bad = await api('POST', '/cases/x/events', lead, { type: '', extra: 1 });
    expectProblem(bad, 400, 'INVALID_REQUEST');
    expect(bad.body.problems?.length).toBeGreaterThan(0);
    const input = await api('POST', '/cases', lead, { id: h.caseId('bad-input'), process: 'refund-approval', input: { amount: -1 } });
    expectProblem(input, 422, 'INVALID_INPUT');
    const admin = await tokenFor('root', 'admin');
    expectProblem(await api('POST', '/cases', admin, { id: h.caseId('nothing'), process: 'no-such-process' }), 404, 'DEFINITION_NOT_FOUND');
    expectProblem(await api('GET', '/no/such/route', lead), 404, 'NOT_FOUND');
  });

  it('answers problem details, not the framework shape, for a URL the router cannot take', async () => {
    const lead = await tokenFor('chen', 'support-lead');
    const long = await api('GET', `/cases/${'x'.repeat(5000)}`, lead);
    expectProblem(long, 400, 'INVALID_REQUEST');
    expect(long.body.detail).toBe('a path segment is longer than 1000 characters: a case id is at most 1000');
    expect(JSON.stringify(long.body).length).toBeLessThan(1000); // the 5000-character URL is not echoed
    const badEscape = await api('GET', '/cases/%E0%A4%A', lead);
    expectProblem(badEscape, 400, 'INVALID_REQUEST');
    expect(badEscape.body.detail).toContain('%-escape is malformed');
  });

  it('says why a JSON body is refused: a syntax error where it is, or a __proto__ key', async () => {
    const lead = await tokenFor('chen', 'support-lead');
    const post = (body: string) => api('POST', '/cases/x/events', lead, body);
    const broken = await post('{"type": "APPROVE",');
    expectProblem(broken, 400, 'INVALID_REQUEST');
    expect(broken.body.detail).toMatch(/^the body is not valid JSON: /);
    const poisoned = await post('{"type": "APPROVE", "data": {"__proto__": {"isAdmin": true}}}');
    expectProblem(poisoned, 400, 'INVALID_REQUEST');
    expect(poisoned.body.detail).toContain('"__proto__"');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('serves the OpenAPI document kept in docs/openapi.json', async () => {
    const served = await api('GET', '/openapi.json', undefined);
    expect(served.status).toBe(200);
    expect(served.body).toEqual(JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8')));
  });

  it('drives a complaint from start to close over HTTP alone, then lists, exports and audits it', async () => {
    const id = h.caseId('http-complaint');
    const customer = await tokenFor('cust-7', 'customer');
    const agent = await tokenFor('Alice', 'support-agent');
    const started = await api('POST', '/cases', customer, { id, process: 'complaint', input: complaint('cust-7') });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ id, process: 'complaint', existing: false });
    expect((await api('POST', '/cases', customer, { id, process: 'complaint', input: complaint('cust-7') })).body.existing).toBe(true);

    await waitForState(id, 'awaiting_response', agent);
    const accepted = await api('POST', `/cases/${id}/events`, agent, { type: 'ACCEPT' });
    expect(accepted.status).toBe(200);
    await waitForState(id, 'handling.working', agent);
    // Someone else may not resolve it: only the owner (first-contact ownership).
    const bob = await api('POST', `/cases/${id}/events`, await tokenFor('bob', 'support-agent'), {
      type: 'RESOLVE',
      data: { resolution: 'x' },
    });
    expectProblem(bob, 409, 'GUARD_FAILED');
    const notYet = await api('POST', `/cases/${id}/events`, customer, { type: 'SATISFACTION', data: { score: 5 } });
    expectProblem(notYet, 409, 'EVENT_NOT_ALLOWED');
    expect(notYet.body.allowed).toEqual(expect.any(Array));
    expect((await api('POST', `/cases/${id}/events`, agent, { type: 'RESOLVE', data: { resolution: 'parcel delivered' } })).status).toBe(
      200,
    );
    await waitForState(id, 'resolved.confirmation_call', customer);
    expect((await api('POST', `/cases/${id}/events`, customer, { type: 'CONFIRM_SOLVED' })).status).toBe(200);
    await waitForState(id, 'resolved.satisfaction_call', customer);
    expect((await api('POST', `/cases/${id}/events`, customer, { type: 'SATISFACTION', data: { score: 5 } })).status).toBe(200);

    const until = Date.now() + 30_000;
    let view = (await api('GET', `/cases/${id}`, customer)).body;
    while (view.status !== 'completed' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      view = (await api('GET', `/cases/${id}`, customer)).body;
    }
    expect(view).toMatchObject({ status: 'completed', outcome: 'closed', context: { owner: 'alice', satisfaction: 5 } });
    expectProblem(await api('POST', `/cases/${id}/events`, customer, { type: 'SATISFACTION', data: { score: 1 } }), 409, 'CASE_CLOSED');

    let listed: Answer | undefined;
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 300))) {
      listed = await api('GET', `/cases?process=complaint&status=closed&limit=50`, agent);
      if (listed.body.cases?.some((c) => c.id === id)) break;
    }
    expect(listed?.status).toBe(200);
    expect(listed?.body.query).toContain("DocketProcess = 'complaint'");
    expect(listed?.body.cases?.find((c) => c.id === id)).toMatchObject({ status: 'COMPLETED', outcome: 'closed' });

    const history = await api('GET', `/cases/${id}/history`, customer);
    expect(history.status).toBe(200);
    expect(history.body.events?.[0].eventType).toMatch(/WORKFLOW_EXECUTION_STARTED|WorkflowExecutionStarted/);
    const audit = await api('GET', `/cases/${id}/audit`, agent);
    expect(audit.status).toBe(200);
    expect(audit.body.case?.workflowId).toBe(id);
    const text = await api('GET', `/cases/${id}/audit?format=text`, agent);
    expect(text.type).toContain('text/plain');
    expect(text.text).toContain('alice');
  });
});
