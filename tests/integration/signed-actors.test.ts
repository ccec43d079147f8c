/**
 * Signed actors inside Temporal, against the real dev server: the harness's worker requires an
 * actor assertion signed with a key it trusts, and its ProcessClient signs with that key. Anything
 * sent straight to Temporal without a valid assertion is refused as UNAUTHENTICATED (an Update
 * leaves no trace in the history; a Signal is recorded as rejected), and the actor the case uses
 * is the asserted one. Segregation of duties (`distinctActors`) and canonical ids on top.
 */
import { randomBytes } from 'node:crypto';
import { Client, type Headers, type WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { auditHistory, auditText, parseHistoryJson } from '../../audit';
import { EventRejectedError } from '../../client';
import { ACTOR_ASSERTION_HEADER, signActorClaims, type ActorClaims } from '../../contract/actor-assertion';
import { eventSignal, eventUpdate } from '../../contract/handles';
import type { Actor, EventInput, Rejection, StateView } from '../../contract/wire';
import { startHarness, type Harness } from '../support/harness';
import { testServer } from '../support/server';
import { settledHistoryLength } from '../support/settled-history';

jest.setTimeout(120_000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const as = (roles: string | string[], id: string): Actor => ({ id, roles: Array.isArray(roles) ? roles : [roles] });

/** A client without docket's signing interceptor; `header` (if given) decides the assertion header of each event. */
function rawClient(header?: (caseId: string, event: EventInput) => unknown): Client {
  const add = (caseId: string, event: unknown, headers: Headers): Headers =>
    header ? { ...headers, [ACTOR_ASSERTION_HEADER]: defaultPayloadConverter.toPayload(header(caseId, event as EventInput)) } : headers;
  const interceptor: WorkflowClientInterceptor = {
    startUpdate: (input, next) => next({ ...input, headers: add(input.workflowExecution.workflowId, input.args[0], input.headers) }),
    signal: (input, next) => next({ ...input, headers: add(input.workflowExecution.workflowId, input.args[0], input.headers) }),
  };
  return new Client({ connection: h.docket.client.connection, namespace: h.namespace, interceptors: { workflow: [interceptor] } });
}

/** Claims as the harness's client would sign them for `event` on `caseId`, with `change` applied. */
function claims(caseId: string, event: EventInput, change: Partial<ActorClaims> = {}): ActorClaims {
  const now = Math.floor(Date.now() / 1000);
  return {
    v: 1,
    sub: event.actor.id,
    roles: event.actor.roles,
    iss: 'docket-test',
    case: caseId,
    event: event.type,
    iat: now,
    exp: now + 300,
    ...change,
  };
}

async function refundCase(name: string, amount: number, requestedBy = 'alice'): Promise<string> {
  const id = h.caseId(name);
  await h.docket.start({ process: 'refund-approval', id, input: { caseId: `C-${name}`, amount, requestedBy } });
  return id;
}

/** The rejection of a raw Update, or undefined when it was accepted. */
async function rawUpdate(client: Client, id: string, event: EventInput): Promise<Rejection | undefined> {
  try {
    await client.workflow.getHandle(id).executeUpdate(eventUpdate, { args: [event] });
    return undefined;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return err.cause.details?.[0] as Rejection;
    throw err;
  }
}

async function historyOf(id: string): Promise<{ events: number; text: string }> {
  const history = await h.docket.history(id);
  return { events: (JSON.parse(history) as { events: unknown[] }).events.length, text: history };
}

/** Sends `event` raw with `header`, expects UNAUTHENTICATED and no trace of it in the history. */
async function expectRefusedWithoutTrace(
  id: string,
  event: EventInput,
  header: ((caseId: string, e: EventInput) => unknown) | undefined,
  reason: RegExp,
): Promise<void> {
  const before = { events: await settledHistoryLength(h.docket, id) };
  const rejection = await rawUpdate(rawClient(header), id, event);
  expect(rejection?.code).toBe('UNAUTHENTICATED');
  expect(rejection?.message).toMatch(reason);
  const after = await historyOf(id);
  expect(after.events).toBe(before.events);
  expect(after.text).not.toContain('mallory');
  const view = await h.docket.state(id);
  expect(view.state).toEqual(['review.lead']);
}

const approveAsMallory: EventInput = { type: 'APPROVE', actor: as(['lead', 'finance'], 'mallory'), data: { note: 'mallory was here' } };

describe('an event Update sent straight to Temporal', () => {
  it('without an assertion, claiming roles [finance], is refused as UNAUTHENTICATED and leaves no trace in the history', async () => {
    const id = await refundCase('unsigned', 680);
    await expectRefusedWithoutTrace(id, { type: 'APPROVE', actor: as('finance', 'mallory') }, undefined, /no signed actor assertion/);
    await expectRefusedWithoutTrace(id, approveAsMallory, undefined, /no signed actor assertion/);
  });

  it('with an expired assertion is refused as UNAUTHENTICATED with no trace', async () => {
    const id = await refundCase('expired', 680);
    const past = Math.floor(Date.now() / 1000) - 3600;
    await expectRefusedWithoutTrace(
      id,
      approveAsMallory,
      (caseId, e) => signActorClaims(claims(caseId, e, { iat: past - 300, exp: past }), h.signingKey),
      /expired/,
    );
  });

  it('with a forged assertion (another key under the trusted key id, or an altered claim) is refused as UNAUTHENTICATED with no trace', async () => {
    const id = await refundCase('forged', 680);
    const forger = { kid: h.signingKey.kid, privateKey: randomBytes(32).toString('hex') };
    await expectRefusedWithoutTrace(id, approveAsMallory, (caseId, e) => signActorClaims(claims(caseId, e), forger), /does not verify/);
    // A genuine assertion for roles [lead], its roles changed to [lead, finance] afterwards.
    const altered = (caseId: string, e: EventInput) => {
      const genuine = signActorClaims(claims(caseId, { ...e, actor: as('lead', 'mallory') }), h.signingKey);
      return { ...genuine, claims: { ...genuine.claims, roles: e.actor.roles } };
    };
    await expectRefusedWithoutTrace(id, approveAsMallory, altered, /does not verify/);
    // A key the worker does not trust at all.
    await expectRefusedWithoutTrace(
      id,
      approveAsMallory,
      (caseId, e) => signActorClaims(claims(caseId, e), { kid: 'mallory-key', privateKey: randomBytes(32).toString('hex') }),
      /does not trust/,
    );
  });

  it('with an assertion for another case, another event, or another actor than the body names is refused as UNAUTHENTICATED with no trace', async () => {
    const id = await refundCase('mismatch', 680);
    const sign = (change: (caseId: string, e: EventInput) => Partial<ActorClaims>) => (caseId: string, e: EventInput) =>
      signActorClaims(claims(caseId, e, change(caseId, e)), h.signingKey);
    await expectRefusedWithoutTrace(
      id,
      approveAsMallory,
      sign(() => ({ case: 'another-case' })),
      /for case "another-case"/,
    );
    await expectRefusedWithoutTrace(
      id,
      approveAsMallory,
      sign(() => ({ event: 'REJECT' })),
      /for event "REJECT"/,
    );
    // Signed for chen (a real lead); the body says mallory.
    await expectRefusedWithoutTrace(
      id,
      approveAsMallory,
      sign(() => ({ sub: 'chen' })),
      /not the asserted actor "chen"/,
    );
    // Signed for mallory as agent; the body claims lead and finance.
    await expectRefusedWithoutTrace(
      id,
      approveAsMallory,
      sign(() => ({ roles: ['agent'] })),
      /not the asserted roles/,
    );
  });

  it('with a valid assertion is accepted, and the timeline names the verified actor and the issuer that vouched for them', async () => {
    const id = await refundCase('signed', 680);
    const result = await h.docket.send(id, { type: 'APPROVE', actor: as('lead', 'Chen '), data: { note: 'order checked' } });
    expect(result.state).toEqual(['paying']);
    expect(result.timeline.find((e) => e.kind === 'transition')).toMatchObject({
      event: 'APPROVE',
      actor: { id: 'chen', roles: ['lead'], issuer: 'docket-test' },
    });
    // Through the HTTP API the issuer is the token's.
    const other = await refundCase('signed-http', 680);
    const viaApi = await h.docket.send(
      other,
      { type: 'APPROVE', actor: as('lead', 'chen') },
      { issuer: 'https://sso.example.com/realms/support' },
    );
    expect(viaApi.timeline.find((e) => e.kind === 'transition')).toMatchObject({
      actor: { id: 'chen', issuer: 'https://sso.example.com/realms/support' },
    });
  });
});

describe('an event Signal sent straight to Temporal', () => {
  it('with a forged assertion is recorded as rejected UNAUTHENTICATED and changes nothing', async () => {
    const id = await refundCase('forged-signal', 680);
    const forger = { kid: h.signingKey.kid, privateKey: randomBytes(32).toString('hex') };
    await rawClient((caseId, e) => signActorClaims(claims(caseId, e), forger))
      .workflow.getHandle(id)
      .signal(eventSignal, approveAsMallory);
    await rawClient()
      .workflow.getHandle(id)
      .signal(eventSignal, { type: 'APPROVE', actor: as('finance', 'mallory') });
    let view: StateView | undefined;
    for (const until = Date.now() + 15_000; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
      view = await h.docket.state(id);
      if (view.timeline.filter((e) => e.kind === 'rejected').length >= 2) break;
    }
    const rejected = view!.timeline.filter((e) => e.kind === 'rejected');
    expect(rejected).toHaveLength(2);
    expect(rejected.map((e) => e.kind === 'rejected' && e.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(rejected[0]).toMatchObject({ event: 'APPROVE', reason: expect.stringMatching(/does not verify/) });
    expect(rejected[1]).toMatchObject({ reason: expect.stringMatching(/no signed actor assertion/) });
    expect(view!.state).toEqual(['review.lead']);
    expect(view!.timeline.some((e) => e.kind === 'transition' && e.event === 'APPROVE')).toBe(false);
  });
});

describe('segregation of duties and canonical ids', () => {
  it('refuses one person holding both supervisor and finance the second approval of one 5,000 refund (SAME_ACTOR); another person may', async () => {
    const id = await refundCase('sod', 5000);
    const bob = as(['supervisor', 'finance'], 'bob');
    const first = await h.docket.send(id, { type: 'APPROVE', actor: bob });
    expect(first.state).toEqual(['review.finance']);
    const err = await h.docket.send(id, { type: 'APPROVE', actor: bob }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EventRejectedError);
    expect((err as EventRejectedError).code).toBe('SAME_ACTOR');
    expect((err as EventRejectedError).message).toMatch(/bob took the previous step/);
    // Spelt differently, still bob.
    const spelt = await h.docket.send(id, { type: 'APPROVE', actor: as(['supervisor', 'finance'], ' BOB') }).catch((e: unknown) => e);
    expect((spelt as EventRejectedError).code).toBe('SAME_ACTOR');
    const second = await h.docket.send(id, { type: 'APPROVE', actor: as('finance', 'fay') });
    expect(second.state).toEqual(['paying']);
  });

  it('takes `Alice` and `alice ` as the requester alice: neither approves her own refund', async () => {
    const id = await refundCase('alice', 680, 'alice');
    for (const spelling of ['Alice', 'alice ', 'ALICE']) {
      const err = await h.docket.send(id, { type: 'APPROVE', actor: as('lead', spelling) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EventRejectedError);
      expect((err as EventRejectedError).code).toBe('GUARD_FAILED');
    }
    expect((await h.docket.send(id, { type: 'APPROVE', actor: as('lead', 'chen') })).state).toEqual(['paying']);
  });
});

describe('the audit of a case with signed actors', () => {
  it('replays the history with the actor interceptor and names each verified person with the issuer that vouched for them', async () => {
    const id = await refundCase('audit', 5000);
    await h.docket.send(id, { type: 'APPROVE', actor: as('supervisor', 'Sam') });
    await h.docket.send(id, { type: 'APPROVE', actor: as('finance', 'fay') }, { issuer: 'https://sso.example.com/realms/support' });
    await settledHistoryLength(h.docket, id);
    const file = parseHistoryJson(await h.docket.history(id), `${id}.json`);
    const report = await auditHistory(file, { replayOptions: { workflowBundle: { codePath: testServer().bundlePath }, quiet: true } });
    expect(report.replay.ok).toBe(true);
    expect(report.timelineSource).toBe('replay');
    expect(report.actors).toEqual([
      { id: 'sam', roles: ['supervisor'], events: 1, issuers: ['docket-test'] },
      { id: 'fay', roles: ['finance'], events: 1, issuers: ['https://sso.example.com/realms/support'] },
    ]);
    expect(auditText(report)).toMatch(/sam \(supervisor; verified by docket-test\)/);
    // The offline re-run (no replay) takes the same asserted actors from the recorded headers.
    const offline = await auditHistory(file, { replay: false });
    expect(offline.actors.map((a) => [a.id, a.issuers])).toEqual([
      ['sam', ['docket-test']],
      ['fay', ['https://sso.example.com/realms/support']],
    ]);
  });

  it('re-runs a running case offline with the verified actors, a forged Signal refused as the workflow refused it', async () => {
    const id = await refundCase('audit-rerun', 5000);
    await h.docket.send(id, { type: 'APPROVE', actor: as('supervisor', 'Sam') });
    const forger = { kid: h.signingKey.kid, privateKey: randomBytes(32).toString('hex') };
    await rawClient((caseId, e) => signActorClaims(claims(caseId, e), forger))
      .workflow.getHandle(id)
      .signal(eventSignal, { type: 'APPROVE', actor: as('finance', 'mallory') });
    await settledHistoryLength(h.docket, id);
    const report = await auditHistory(parseHistoryJson(await h.docket.history(id), `${id}.json`), { replay: false });
    expect(report.timelineSource).toBe('rerun');
    expect(report.timeline).toContainEqual(
      expect.objectContaining({ kind: 'transition', event: 'APPROVE', actor: { id: 'sam', roles: ['supervisor'], issuer: 'docket-test' } }),
    );
    expect(report.timeline).toContainEqual(expect.objectContaining({ kind: 'rejected', event: 'APPROVE', code: 'UNAUTHENTICATED' }));
    expect(report.timeline.some((e) => e.kind === 'transition' && e.to.includes('paying'))).toBe(false);
  });
});
