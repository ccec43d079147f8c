/**
 * Nothing a definition says can leave a case in a workflow task that fails and retries forever
 * (issue 9), on a real Temporal server with a development-mode worker running inline definitions:
 * loops fail as LOOP_DETECTED, run-time expression errors as EXPRESSION_FAILED (naming state and
 * expression), a catastrophic regular expression runs in linear time, a zero timeout and an
 * oversized definition are refused by validation, and bad starts or a missing activity fail
 * with a typed reason.
 */
import { Client, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { WORKFLOW_TYPE, type ProcessArgs } from '../../contract/wire';
import { eventUpdate, stateQuery } from '../../contract/handles';
import { startTestWorker, testClient, type TestWorker } from '../support/server';

let raw: Client;
let dev: TestWorker;
beforeAll(async () => {
  raw = await testClient();
  // No activities registered: the "activity no worker registers" case below relies on it.
  dev = await startTestWorker({ activities: {}, allowInlineDefinitions: true });
});
afterAll(async () => {
  await dev?.stop();
});

let sequence = 0;
function start(definition: Record<string, unknown>, input: Record<string, unknown> = {}, args?: unknown): Promise<WorkflowHandle> {
  const id = `contained-${Date.now().toString(36)}-${++sequence}`;
  const startArgs = args === undefined ? [{ process: definition.process, definition, input } as ProcessArgs] : (args as ProcessArgs[]);
  return raw.workflow.start(WORKFLOW_TYPE, { workflowId: id, taskQueue: dev.taskQueue, args: startArgs as [ProcessArgs] });
}

/** The typed failure a case ended with, within `ms` (a case stuck in a retrying task never ends). */
async function failureOf(handle: WorkflowHandle, ms = 60_000): Promise<{ code?: string; message: string }> {
  // A guard against a hang, not a measure: generous for a loaded CI machine, unref'd so it never holds Jest.
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`case ${handle.workflowId} did not end within ${ms} ms`)), ms).unref(),
  );
  const err = await Promise.race([
    handle.result().then(
      () => undefined,
      (e: unknown) => e,
    ),
    timeout,
  ]);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return { code: (cause as ApplicationFailure).type ?? undefined, message: (cause as ApplicationFailure).message };
}

const base = (process: string, states: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  process,
  title: process,
  roles: ['agent'],
  events: { GO: { by: ['agent'] } },
  initial: Object.keys(states)[0],
  states,
  ...extra,
});

describe('runaway definitions fail as LOOP_DETECTED', () => {
  // Cycles validate refuses (ENDLESS_LOOP: no condition anywhere) cannot reach a worker; these have
  // conditions that hold at run time, which validate cannot prove, so the run-time guard stops them.
  it('always transitions in a cycle', async () => {
    const def = base('always-cycle', {
      ping: { always: { if: 'caseId != ""', target: 'pong' } },
      pong: { always: { if: 'caseId != ""', target: 'ping' }, on: { GO: 'done' } },
      done: { type: 'final', outcome: 'done' },
    });
    const failure = await failureOf(await start(def));
    expect(failure.code).toBe('LOOP_DETECTED');
    expect(failure.message).toMatch(/ping/);
    expect(failure.message).toMatch(/pong/);
  });

  it('a loop of zero-delay timers, after the loop starts on an event', async () => {
    const def = base('zero-delay-loop', {
      idle: { on: { GO: 'tick' } },
      tick: { after: [{ delay: '0s', if: 'caseId != ""', target: 'tock' }] },
      tock: { after: [{ delay: '0s', if: 'caseId != ""', target: 'tick' }], on: { GO: 'done' } },
      done: { type: 'final', outcome: 'done' },
    });
    const handle = await start(def);
    await waitForRunning(handle);
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'GO', actor: { id: 'a', roles: ['agent'] } }] });
    const failure = await failureOf(handle);
    expect(failure.code).toBe('LOOP_DETECTED');
    expect(failure.message).toMatch(/tick.*tock|tock.*tick/);
    // Each zero-delay timer is a workflow task and about a second on the server: 20 of them, then the end.
    const history = await handle.fetchHistory();
    expect(history.events!.length).toBeLessThan(200);
  });
});

describe('run-time errors of expressions fail as EXPRESSION_FAILED, naming state and expression', () => {
  it('a condition that cannot be evaluated', async () => {
    const def = base('bad-condition', {
      route: { always: [{ if: 'input.customer.tier == "gold"', target: 'done' }, { target: 'done' }] },
      done: { type: 'final', outcome: 'done' },
    });
    const failure = await failureOf(await start(def, {}));
    expect(failure.code).toBe('EXPRESSION_FAILED');
    expect(failure.message).toContain('state route');
    expect(failure.message).toContain('input.customer.tier == "gold"');
  });

  it('a delay that gives no duration', async () => {
    const def = base('bad-delay', {
      wait: { after: [{ delay: 'input.when', target: 'done' }] },
      done: { type: 'final', outcome: 'done' },
    });
    const failure = await failureOf(await start(def, { when: 'soon' }));
    expect(failure.code).toBe('EXPRESSION_FAILED');
    expect(failure.message).toContain('state wait');
    expect(failure.message).toContain('input.when');
  });
});

describe('decision tables with a hit policy, in the workflow', () => {
  // validate cannot prove this overlap (a boolean field), so it is the run-time check that stops it.
  const tables = {
    decisions: {
      reviewer: {
        hit: 'unique',
        rules: [
          { when: 'input.vip', then: 'lead' },
          { when: 'input.amount > 1000', then: 'supervisor' },
        ],
      },
      fee: {
        hit: 'collect',
        aggregate: 'sum',
        rules: [
          { when: 'input.amount > 1000', then: 25 },
          { when: 'input.vip', then: 10 },
        ],
      },
    },
  };
  const def = base(
    'unique-table',
    {
      route: { always: [{ if: 'decide.reviewer == "lead"', target: 'done' }, { target: 'done' }] },
      done: { type: 'final', outcome: 'done', output: { reviewer: 'decide.reviewer', fee: 'decide.fee' } },
    },
    tables,
  );

  it('two matching rules of a unique table fail the case as DECISION_NOT_UNIQUE, naming state, decision and rules', async () => {
    const failure = await failureOf(await start(def, { vip: true, amount: 5000 }));
    expect(failure.code).toBe('DECISION_NOT_UNIQUE');
    expect(failure.message).toContain('state route');
    expect(failure.message).toContain('decision "reviewer" has hit policy unique, but rules 1 and 2 all match');
  });

  it('one matching rule answers, and collect sums what matched', async () => {
    const handle = await start(def, { vip: false, amount: 5000 });
    const result = await handle.result();
    expect(result.outcome).toBe('done');
    expect(result.output).toEqual({ reviewer: 'supervisor', fee: 25 });
  });
});

it('evaluates a catastrophic regular expression in linear time (RE2), so the case goes on', async () => {
  const def = base('regex', {
    check: { always: [{ if: 'input.text.matches("^(a+)+$")', target: 'matched' }, { target: 'unmatched' }] },
    matched: { type: 'final', outcome: 'matched' },
    unmatched: { type: 'final', outcome: 'unmatched' },
  });
  const handle = await start(def, { text: `${'a'.repeat(5000)}!` });
  const result = await Promise.race([
    handle.result(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the regex case did not finish in 60 s')), 60_000).unref()),
  ]);
  expect(result.outcome).toBe('unmatched');
});

describe('definitions the engine cannot run are refused by validation (INVALID_DEFINITION)', () => {
  it('an invoke with a zero timeout', async () => {
    const def = base('zero-timeout', {
      work: { invoke: { activity: 'notify', with: { to: '"x"', subject: '"y"' }, timeout: '0s', onDone: 'done' } },
      done: { type: 'final', outcome: 'done' },
    });
    const failure = await failureOf(await start(def));
    expect(failure.code).toBe('INVALID_DEFINITION');
    expect(failure.message).toMatch(/timeout must be longer than 0/);
  });

  it('5,000 states, with the limit, at once; 2,000 states start and answer within seconds', async () => {
    const chain = (n: number) => {
      const states: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) states[`s${i}`] = i === n - 1 ? { type: 'final', outcome: 'done' } : { on: { GO: `s${i + 1}` } };
      return base(`chain-${n}`, states);
    };
    const started = Date.now();
    const failure = await failureOf(await start(chain(5000)));
    expect(failure.code).toBe('INVALID_DEFINITION');
    expect(failure.message).toMatch(/more than 2000 states/);
    expect(Date.now() - started).toBeLessThan(15_000);

    const t = Date.now();
    const handle = await start(chain(2000));
    await waitForRunning(handle);
    await handle.executeUpdate(eventUpdate, { args: [{ type: 'GO', actor: { id: 'a', roles: ['agent'] } }] });
    expect((await handle.query(stateQuery)).state).toEqual(['s1']);
    expect(Date.now() - t).toBeLessThan(15_000);
    await handle.terminate('test done');
  });

  it('states nested 200 deep, with the limit', async () => {
    let inner: Record<string, unknown> = { initial: 'leaf', states: { leaf: { on: { GO: 'done' } } } };
    for (let i = 200; i > 0; i--) inner = { initial: `l${i}`, states: { [`l${i}`]: inner } };
    const failure = await failureOf(await start(base('deep', { root: inner, done: { type: 'final', outcome: 'done' } })));
    expect(failure.code).toBe('INVALID_DEFINITION');
    expect(failure.message).toMatch(/nested more than 32 levels/);
  });
});

describe('bad starts and missing activities fail with a typed reason', () => {
  it('a workflow started by hand with no arguments fails as INVALID_START', async () => {
    const handle = await start({}, {}, []);
    expect((await failureOf(handle)).code).toBe('INVALID_START');
  });

  it('an activity no worker on the queue registers fails the invocation at once, not forever', async () => {
    const def = base('unregistered', {
      work: { invoke: { activity: 'notify', with: { to: '"x"', subject: '"y"' }, onDone: 'done' } }, // default retry policy: unlimited attempts
      done: { type: 'final', outcome: 'done' },
    });
    const failure = await failureOf(await start(def));
    expect(failure.code).toBe('PROCESS_FAILED');
    expect(failure.message).toMatch(/not registered/);
  });
});

async function waitForRunning(handle: WorkflowHandle): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const view = await handle.query(stateQuery).catch(() => undefined);
    if (view?.status === 'running') return;
    if (Date.now() > deadline) throw new Error(`${handle.workflowId} never ran; it is ${view?.status}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
