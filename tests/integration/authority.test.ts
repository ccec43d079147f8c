/**
 * The worker is the authority, on a real Temporal server: a case runs only a definition the
 * registry holds (validated and hashed worker-side), whatever a caller sends with a raw Temporal
 * client; deployments are versioned, logged and can be rolled back; closed cases say so.
 */
import { Client, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DefinitionNotFoundError, DeployRefusedError, EventRejectedError } from '../../client';
import { deployUpdate } from '../../contract/registry-handles';
import { registryWorkflowId } from '../../contract/registry';
import { WORKFLOW_TYPE, type ProcessArgs, type StateView } from '../../contract/wire';
import { definitionHash } from '../../dsl/hash';
import type { ProcessDefinition } from '../../dsl/types';
import { startHarness, type Harness } from '../support/harness';
import { startTestWorker, testClient, type TestWorker } from '../support/server';
import { shippedDefinition, withTimings } from '../support/test-definitions';

const as = (role: string, id: string) => ({ id, roles: [role] });
const refundInput = (amount: number) => ({ caseId: 'C-9001', amount, requestedBy: 'alice', customerId: 'cust-9', reason: 'parcel lost' });
const official = shippedDefinition('refund-approval');

/** The refund definition with the "requester may never approve their own refund" guard removed. */
function forgedRefund(): ProcessDefinition {
  const forged = structuredClone(official);
  const stripGuards = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.if === 'event.actor.id != input.requestedBy') delete record.if;
    Object.values(record).forEach(stripGuards);
  };
  stripGuards(forged.states);
  return forged;
}

let h: Harness;
let raw: Client;
let devWorker: TestWorker;
beforeAll(async () => {
  h = await startHarness();
  raw = await testClient();
  // A development-mode worker on its own task queue (nothing deployed there).
  devWorker = await startTestWorker({ activities: {}, allowInlineDefinitions: true });
});
afterAll(async () => {
  await devWorker?.stop();
  await h?.stop();
});

/** Starts a `process` workflow with raw arguments, as any Temporal SDK could. */
function startRaw(taskQueue: string, id: string, args: unknown): Promise<WorkflowHandle> {
  return raw.workflow.start(WORKFLOW_TYPE, {
    workflowId: id,
    taskQueue,
    args: [args as ProcessArgs],
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  });
}

/** The typed failure a case ended with: its type (code) and message. */
async function failureOf(handle: WorkflowHandle): Promise<{ code?: string; message: string }> {
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return { code: (cause as ApplicationFailure).type ?? undefined, message: (cause as ApplicationFailure).message };
}

async function waitFor(id: string, ok: (view: StateView) => boolean, what: string): Promise<StateView> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const view = await h.docket.state(id);
    if (ok(view)) return view;
    if (Date.now() > deadline) throw new Error(`${id} never ${what}; last ${view.status} ${view.state.join(',')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a forged, unmerged or broken definition cannot run', () => {
  it('refuses an inline forged definition on a normal worker (INLINE_DEFINITION_REFUSED) before any state exists', async () => {
    const id = h.caseId('forged-inline');
    const handle = await startRaw(h.taskQueue, id, { process: 'refund-approval', definition: forgedRefund(), input: refundInput(480) });
    const failure = await failureOf(handle);
    expect(failure.code).toBe('INLINE_DEFINITION_REFUSED');
    expect(failure.message).toMatch(/docket deploy/);
    const view = await h.docket.state(id);
    expect(view).toMatchObject({ status: 'failed', allowed: {}, deadlines: [], failure: { code: 'INLINE_DEFINITION_REFUSED' } });
  });

  it('refuses the old start shape that carried a definition and its hash (INVALID_START)', async () => {
    const id = h.caseId('forged-bundle');
    const handle = await startRaw(h.taskQueue, id, {
      bundle: { definition: forgedRefund(), hash: definitionHash(official) },
      input: refundInput(480),
    });
    expect(await failureOf(handle)).toMatchObject({ code: 'INVALID_START' });
  });

  it('refuses a forged resume state on a case that did not continue as new (INVALID_START)', async () => {
    const id = h.caseId('forged-resume');
    const handle = await startRaw(h.taskQueue, id, {
      process: 'refund-approval',
      input: refundInput(480),
      resume: { snapshot: { value: 'paid', context: {}, status: 'active' }, deadlines: [], timeline: [], run: 2 },
    });
    expect(await failureOf(handle)).toMatchObject({ code: 'INVALID_START' });
  });

  it('refuses a continueAsNewAfter that is not a whole number of at least 1 (INVALID_START), which would continue as new after every task', async () => {
    for (const [n, bad] of [0, -5, 2.5, 'often', { n: 1 }].entries()) {
      const handle = await startRaw(h.taskQueue, h.caseId(`bad-can-${n}`), {
        process: 'refund-approval',
        input: refundInput(480),
        continueAsNewAfter: bad,
      });
      const failure = await failureOf(handle);
      expect(failure).toEqual({
        code: 'INVALID_START',
        message: `continueAsNewAfter must be a whole number of history events, at least 1, got ${JSON.stringify(bad)}`,
      });
    }
  });

  it('fails a case of a process that is not deployed at once (DEFINITION_NOT_FOUND), and the client says so before starting', async () => {
    const id = h.caseId('not-deployed');
    const handle = await startRaw(h.taskQueue, id, { process: 'loyalty-bonus', input: {} });
    const failure = await failureOf(handle);
    expect(failure.code).toBe('DEFINITION_NOT_FOUND');
    expect(failure.message).toMatch(/"loyalty-bonus" is not deployed/);
    await expect(h.docket.start({ process: 'loyalty-bonus', id: h.caseId('not-deployed-2'), input: {} })).rejects.toBeInstanceOf(
      DefinitionNotFoundError,
    );
  });

  it('runs the requester-approval guard whatever the caller sends: the official version refuses alice approving her own refund', async () => {
    const id = h.caseId('official-guard');
    const started = await h.docket.start({ process: 'refund-approval', id, input: refundInput(480) });
    expect(started).toMatchObject({ existing: false, definitionHash: definitionHash(official), status: 'running' });
    await waitFor(id, (v) => v.state.some((s) => s.endsWith('lead')), 'reached the lead step');
    const err = await h.docket.send(id, { type: 'APPROVE', actor: { id: 'alice', roles: ['lead'] } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EventRejectedError);
    expect((err as EventRejectedError).code).toBe('GUARD_FAILED');
  });

  describe('in development mode (inline definitions allowed)', () => {
    it('validates an inline definition worker-side and fails a broken one at once with INVALID_DEFINITION naming the problem', async () => {
      const broken = structuredClone(official) as unknown as Record<string, unknown>;
      (broken.states as Record<string, unknown>).route = { always: [{ target: 'nowhere' }] };
      const handle = await startRaw(devWorker.taskQueue, h.caseId('dev-broken'), {
        process: 'refund-approval',
        definition: broken,
        input: refundInput(480),
      });
      const failure = await failureOf(handle);
      expect(failure.code).toBe('INVALID_DEFINITION');
      expect(failure.message).toMatch(/nowhere/);
    });

    it('refuses a definition sent as the YAML in JSON without its `uses:` merged', async () => {
      const unmerged = { ...structuredClone(withTimings('complaint', {})), uses: ['shared/escalation-ladder.yaml'] } as Record<
        string,
        unknown
      >;
      const decisions = unmerged.decisions as Record<string, unknown>;
      delete decisions.escalateTo;
      delete decisions.levelDeadline;
      const handle = await startRaw(devWorker.taskQueue, h.caseId('dev-unmerged'), {
        process: 'complaint',
        definition: unmerged,
        input: {},
      });
      const failure = await failureOf(handle);
      expect(failure.code).toBe('INVALID_DEFINITION');
      expect(failure.message).toMatch(/uses/);
    });

    it('refuses a definition parsed by a YAML 1.1 parser that read `on:` as true', async () => {
      const text = JSON.stringify(official).replace(/"on":/g, '"true":');
      const handle = await startRaw(devWorker.taskQueue, h.caseId('dev-pyyaml'), {
        process: 'refund-approval',
        definition: JSON.parse(text),
        input: refundInput(480),
      });
      expect(await failureOf(handle)).toMatchObject({ code: 'INVALID_DEFINITION' });
    });

    it('runs a valid inline definition with the hash the worker computed', async () => {
      const id = h.caseId('dev-valid');
      const forged = forgedRefund();
      await startRaw(devWorker.taskQueue, id, { process: 'refund-approval', definition: forged, input: refundInput(480) });
      const view = await (async () => {
        const deadline = Date.now() + 30_000;
        for (;;) {
          const v = await raw.workflow.getHandle(id).query<StateView>('state');
          if (v.status !== 'starting' || Date.now() > deadline) return v;
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
      expect(view.definitionHash).toBe(definitionHash(forged));
      expect(view.definitionHash).not.toBe(definitionHash(official));
      expect(view.definitionVersion).toBeUndefined();
    });
  });
});

describe('deployments', () => {
  it('refuses an invalid definition sent straight to the registry, and deploys nothing', async () => {
    const before = await h.docket.definitions('refund-approval');
    const broken = { ...structuredClone(official), initial: 'nowhere' };
    const err = await raw.workflow
      .getHandle(registryWorkflowId(h.taskQueue))
      .executeUpdate(deployUpdate, { args: [{ definitions: [broken], deployedBy: 'mallory' }] })
      .catch((e: unknown) => e);
    expect((err as { cause?: ApplicationFailure }).cause?.type).toBe('INVALID_DEFINITION');
    await expect(h.docket.deploy([broken as ProcessDefinition], { deployedBy: 'mallory' })).rejects.toBeInstanceOf(DeployRefusedError);
    expect(await h.docket.definitions('refund-approval')).toEqual(before);
  });

  it('lists versions with deployer and time; a new version changes new cases only; a rollback makes the old one current', async () => {
    const v1 = (await h.docket.definitions('refund-approval'))[0];
    const first = v1.versions.find((v) => v.version === v1.current)!;
    expect(first).toMatchObject({ hash: definitionHash(official), deployedBy: 'test-harness' });
    expect(Date.parse(first.deployedAt)).toBeGreaterThan(Date.now() - 10 * 60_000);

    const running = h.caseId('before-v2');
    await h.docket.start({ process: 'refund-approval', id: running, input: refundInput(480) });

    const edited = withTimings('refund-approval', {});
    edited.title = `${official.title} (edited)`;
    const deployed = await h.docket.deploy([edited], { deployedBy: 'carol', note: 'CHG-42' });
    expect(deployed.deployed).toEqual([
      expect.objectContaining({
        process: 'refund-approval',
        version: first.version + 1,
        change: 'new',
        deployedBy: 'carol',
        note: 'CHG-42',
      }),
    ]);

    const after = h.caseId('after-v2');
    const started = await h.docket.start({ process: 'refund-approval', id: after, input: refundInput(480) });
    expect(started.definitionHash).toBe(definitionHash(edited));
    expect((await h.docket.state(running)).definitionHash).toBe(definitionHash(official));
    expect((await h.docket.state(after)).title).toMatch(/edited/);

    const rolledBack = await h.docket.setCurrent('refund-approval', first.version, 'dave');
    expect(rolledBack).toMatchObject({ version: first.version, hash: first.hash });
    const listed = (await h.docket.definitions('refund-approval'))[0];
    expect(listed.current).toBe(first.version);
    expect(listed.log.at(-1)).toMatchObject({ version: first.version, by: 'dave', action: 'rollback' });
    const third = await h.docket.start({ process: 'refund-approval', id: h.caseId('after-rollback'), input: refundInput(480) });
    expect(third.definitionHash).toBe(first.hash);
    // An explicit version still starts the newer one.
    const pinned = await h.docket.start({
      process: 'refund-approval',
      version: first.version + 1,
      id: h.caseId('pinned-v2'),
      input: refundInput(480),
    });
    expect(pinned.definitionHash).toBe(definitionHash(edited));
  });
});

describe('the true status of closed cases', () => {
  it('reports a terminated case as terminated with nothing allowed, and an event to it as CASE_CLOSED', async () => {
    const id = h.caseId('terminated');
    await h.docket.start({ process: 'refund-approval', id, input: refundInput(480) });
    await waitFor(id, (v) => v.deadlines.length > 0, 'armed a deadline');
    await raw.workflow.getHandle(id).terminate('test: closed from outside');
    const view = await h.docket.state(id);
    expect(view).toMatchObject({ status: 'terminated', allowed: {}, deadlines: [] });
    const err = await h.docket.send(id, { type: 'APPROVE', actor: as('lead', 'chen') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EventRejectedError);
    expect((err as EventRejectedError).code).toBe('CASE_CLOSED');
    const signalled = await h.docket.signal(id, { type: 'APPROVE', actor: as('lead', 'chen') }).catch((e: unknown) => e);
    expect((signalled as EventRejectedError).code).toBe('CASE_CLOSED');
    const [summary] = await h.docket.list({ query: `WorkflowId = '${id}'` });
    expect(summary?.status ?? 'TERMINATED').toBe('TERMINATED');
  });

  it('reports a child terminated with its parent as terminated', async () => {
    const id = h.caseId('parent-terminated');
    const complaintInput = {
      customerId: 'cust-9',
      customerName: 'Wang Fang',
      contact: 'wang@example.com',
      channel: 'app',
      category: { level1: 'product_issue' },
      description: 'Kettle leaks',
    };
    await h.docket.start({ process: 'complaint', id, input: complaintInput });
    await waitFor(id, (v) => v.state.some((s) => s.includes('awaiting_response')), 'waited for a response');
    await h.docket.send(id, { type: 'ACCEPT', actor: as('agent', 'alice') });
    await waitFor(id, (v) => v.state.includes('handling.working'), 'was worked on');
    await h.docket.send(id, { type: 'RESOLVE', actor: as('agent', 'alice'), data: { resolution: 'refund', refund: { amount: 300 } } });
    const childId = `${id}/refund-approval-1`;
    const deadline = Date.now() + 30_000;
    // The child is running with a deadline armed before the parent is terminated.
    for (;;) {
      const v = await h.docket.state(childId).catch(() => undefined);
      if (v?.status === 'running' && v.deadlines.length > 0) break;
      if (Date.now() > deadline) throw new Error(`the child never got going: ${JSON.stringify(v?.status)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await raw.workflow.getHandle(id).terminate('test: parent closed from outside');
    // Temporal terminates the child (parent close policy TERMINATE); the child's view says so.
    const child = await (async () => {
      for (;;) {
        const v = await h.docket.state(childId);
        if (v.status !== 'running' || Date.now() > deadline + 30_000) return v;
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    expect(child).toMatchObject({ status: 'terminated', allowed: {}, deadlines: [] });
  });

  it('returns the existing case when a completed case is started again with the same id', async () => {
    const id = h.caseId('duplicate');
    await h.docket.start({ process: 'refund-approval', id, input: refundInput(480) });
    await raw.workflow.getHandle(id).terminate('test: closed');
    const again = await h.docket.start({ process: 'refund-approval', id, input: refundInput(480) });
    expect(again).toMatchObject({ existing: true, status: 'terminated' });
    await expect(startRaw(h.taskQueue, id, { process: 'refund-approval', input: refundInput(480) })).rejects.toThrow(/already started/i);
  });
});
