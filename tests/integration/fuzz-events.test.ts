/**
 * Property-based test (fast-check) of issue 9: generated events (prototype names, declared names,
 * odd and huge strings, nulls, arrays, deep and large data, malformed actors) thrown at a case of
 * every shipped definition, as Updates and as Signals, on a real Temporal server. After each one
 * the case answers the state Query; every refused Update comes back with a rejection code; no
 * refused Update leaves a trace in the history (no UpdateAccepted event with its id).
 *
 * Seeded: DOCKET_FUZZ_SEED=<n> replays a run; the seed is printed with any failure. Bounded:
 * DOCKET_FUZZ_RUNS inputs at most (default 400) and 90 s, whichever comes first; the test prints
 * how many inputs it tried. One generated event stays under about 1 MB: a request over Temporal's
 * own 2 MB limit never reaches the workflow (the server refuses it), which is not what this tests.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import fc from 'fast-check';
import { eventSignal, eventUpdate, stateQuery } from '../../contract/handles';
import type { RejectionCode, StateView } from '../../contract/wire';
import { startHarness, type Harness } from '../support/harness';

const REJECTION_CODES: RejectionCode[] = [
  'UNKNOWN_EVENT',
  'EVENT_NOT_ALLOWED',
  'ROLE_NOT_ALLOWED',
  'INVALID_PAYLOAD',
  'GUARD_FAILED',
  'CASE_STARTING',
  'CASE_CLOSED',
  'INVALID_EVENT',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHENTICATED',
  'SAME_ACTOR',
] as RejectionCode[];
const PROTOTYPE_NAMES = [
  'toString',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  '__defineSetter__',
  'prototype',
];
const DECLARED = ['ACCEPT', 'TRANSFER', 'RESOLVE', 'APPROVE', 'REJECT', 'CHECK_NOW', 'CONFIRM_SOLVED', 'SATISFACTION', 'ABORT', 'PROMOTE'];
const ROLES = ['agent', 'lead', 'supervisor', 'manager', 'finance', 'customer', 'department', 'engineer', 'release_manager', 'system'];

const seed = Number(process.env.DOCKET_FUZZ_SEED ?? Date.now() % 2 ** 31);
const maxRuns = Number(process.env.DOCKET_FUZZ_RUNS ?? 400);

function deep(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }), // lone surrogates and control characters
  fc.constantFrom(...PROTOTYPE_NAMES, ...DECLARED, '', ' ', 'xstate.init', 'docket.invoke.done.intake', '\u0000', 'ACCEPT\u0000'),
  fc.nat({ max: 300_000 }).map((n) => 'x'.repeat(n)),
);
const anything = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  oddString,
  fc.array(fc.string(), { maxLength: 3 }),
);
const actor = fc.oneof(
  { weight: 4, arbitrary: fc.record({ id: fc.oneof(fc.constantFrom('alice', 'bob', 'mallory'), oddString), roles: fc.subarray(ROLES) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      id: anything,
      roles: fc.oneof(
        fc.array(fc.oneof(fc.string(), fc.constantFrom(...PROTOTYPE_NAMES)), { maxLength: 60 }),
        fc.array(oddString, { maxLength: 2 }),
        anything,
      ),
    }),
  },
  { weight: 1, arbitrary: anything },
);
const data = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.constantFrom(...PROTOTYPE_NAMES, 'note', 'resolution', 'amount'), fc.jsonValue({ maxDepth: 2 })),
  },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 20, max: 3000 }), fc.jsonValue({ maxDepth: 1 })).map(([n, leaf]) => deep(n, leaf)) },
  { weight: 1, arbitrary: fc.nat({ max: 400_000 }).map((n) => ({ note: 'n'.repeat(n) })) },
  { weight: 1, arbitrary: anything },
);
const event = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record(
      { type: fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES, ...DECLARED), oddString), actor, data },
      { requiredKeys: ['type', 'actor'] },
    ),
  },
  { weight: 1, arbitrary: anything },
  { weight: 1, arbitrary: fc.array(anything, { maxLength: 3 }) },
);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

it('keeps every case of every shipped process answering, refuses with codes and leaves no trace of refused Updates', async () => {
  const cases = {
    complaint: h.caseId('fuzz-complaint'),
    refund: h.caseId('fuzz-refund'),
    monitor: h.caseId('fuzz-monitor'),
    release: h.caseId('fuzz-release'),
  };
  await h.docket.start({
    process: 'complaint',
    id: cases.complaint,
    input: {
      customerId: 'c-1',
      customerName: 'Li Wei',
      contact: 'x@example.com',
      channel: 'app',
      category: { level1: 'logistics_delay' },
      description: 'late',
      impact: 'ordinary',
    },
  });
  await h.docket.start({
    process: 'refund-approval',
    id: cases.refund,
    input: { caseId: 'C-1', amount: 480, requestedBy: 'alice', customerId: 'cust-9', reason: 'parcel lost' },
  });
  await h.docket.start({ process: 'complaint-monitor', id: cases.monitor, input: {} });
  await h.docket.start({
    process: 'gray-release',
    id: cases.release,
    input: { changeId: 'CHG-1', title: 't', service: 's', version: 'v2', routerUrl: 'http://127.0.0.1:9', requestedBy: 'eli' },
  });
  const ids = Object.values(cases);
  const handle = (id: string) => h.docket.client.workflow.getHandle(id);

  const counts: Record<string, number> = {};
  const count = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
  const refusedUpdateIds = new Set<string>();
  let sequence = 0;

  /**
   * The harness client signs the actor a generated event names, so a generated APPROVE by a lead
   * is a real approval and may end a case the proper way. Such a case must have completed with an
   * outcome, never failed.
   */
  const endedWell = async (id: string): Promise<boolean> => {
    const view = await h.docket.state(id);
    if (view.status !== 'completed' || !view.outcome)
      throw new Error(`case ${id} ended as ${view.status}: ${JSON.stringify(view.failure ?? view.state)}`);
    count(`case ended ${view.outcome}`);
    return true;
  };

  const property = fc.asyncProperty(fc.constantFrom(...ids), fc.constantFrom('update', 'signal'), event, async (id, transport, ev) => {
    if (transport === 'update') {
      const updateId = `fuzz-${++sequence}`;
      try {
        await handle(id).executeUpdate(eventUpdate, { args: [ev as never], updateId });
        count('update accepted');
      } catch (err) {
        if (err instanceof WorkflowNotFoundError && (await endedWell(id))) return;
        if (!(err instanceof WorkflowUpdateFailedError))
          throw new Error(`update ${updateId} failed without a rejection: ${String(err)}`, { cause: err });
        const cause = err.cause;
        if (!(cause instanceof ApplicationFailure) || !REJECTION_CODES.includes(cause.type as RejectionCode)) {
          throw new Error(`update ${updateId} refused without a rejection code: ${String(cause)}`, { cause: err });
        }
        refusedUpdateIds.add(updateId);
        count(`update ${cause.type}`);
      }
    } else {
      try {
        await handle(id).signal(eventSignal, ev as never);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError && (await endedWell(id))) return;
        throw new Error(
          `signal to ${id} failed: ${String(err)}; the case: ${JSON.stringify(await h.docket.state(id).catch((e: unknown) => String(e)))}`,
          { cause: err },
        );
      }
      count('signal');
    }
    const view = (await handle(id).query(stateQuery)) as StateView;
    if (!['starting', 'running', 'completed', 'failed'].includes(view.status)) throw new Error(`case ${id} answered status ${view.status}`);
  });

  const started = Date.now();
  const result = await fc.check(property, {
    seed,
    numRuns: maxRuns,
    interruptAfterTimeLimit: 90_000,
    markInterruptAsFailure: false,
    endOnFailure: true,
  });
  const tried = result.numRuns;
  console.log(`fuzz: seed ${seed}, ${tried} generated inputs in ${Date.now() - started} ms: ${JSON.stringify(counts)}`);
  if (result.failed)
    throw new Error(
      `fuzz failed (DOCKET_FUZZ_SEED=${seed} replays it)\n${fc.defaultReportMessage(result)}\nerror: ${String((result.errorInstance as Error | undefined)?.stack ?? result.errorInstance)}`,
    );
  expect(tried).toBeGreaterThan(0);

  // Every case still answers, and no refused Update is in any history.
  for (const id of ids) {
    const view = (await handle(id).query(stateQuery)) as StateView;
    expect(['running', 'completed', 'failed']).toContain(view.status);
    const history = await handle(id).fetchHistory();
    const accepted = (history.events ?? [])
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes)
      .flatMap((a) => [a?.protocolInstanceId, a?.acceptedRequest?.meta?.updateId])
      .filter(Boolean) as string[];
    expect(accepted.filter((u) => refusedUpdateIds.has(u))).toEqual([]);
  }
});
