/**
 * The start of a case, on a real Temporal server (issue 10): an event sent while the case resolves
 * its definition is refused CASE_STARTING without a trace; the search attributes a start carries
 * save the workflow its own upsert only when they equal what it resolved (a forged hash is
 * corrected in the first workflow task).
 */
import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type SearchAttributePair } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { eventUpdate, stateQuery } from '../../contract/handles';
import { SA_DEFINITION_HASH, SA_PROCESS } from '../../contract/search-attributes';
import { WORKFLOW_TYPE, type ProcessArgs, type StateView } from '../../contract/wire';
import { startHarness } from '../support/harness';
import { startTestWorker, testClient, testServer } from '../support/server';

let raw: Client;
beforeAll(async () => {
  raw = await testClient();
});

const notes = {
  process: 'start-notes',
  title: 'Notes',
  roles: ['agent'],
  events: {
    NOTE: { by: ['agent'] },
    CLOSE: { by: ['agent'] },
  },
  context: { count: '0' },
  initial: 'open',
  states: {
    open: { on: { NOTE: { target: 'open', assign: { count: 'context.count + 1' } }, CLOSE: 'closed' } },
    closed: { type: 'final', outcome: 'closed' },
  },
};
const args: ProcessArgs = { process: 'start-notes', definition: notes, input: {} };
const agent = { id: 'a', roles: ['agent'] };
const unsigned = { required: false, keys: [] };
const caseId = (name: string) => `start-${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

/** The failure type of a refused (or, after acceptance, failed) Update. */
async function refusalCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return err.cause.type ?? undefined;
    throw err;
  }
}

/** Sends CLOSE, again while the case is still starting (CASE_STARTING leaves nothing behind). */
async function closeWhenStarted(id: string): Promise<void> {
  for (;;) {
    const code = await refusalCode(raw.workflow.getHandle(id).executeUpdate(eventUpdate, { args: [{ type: 'CLOSE', actor: agent }] }));
    if (code === undefined) return;
    if (code !== 'CASE_STARTING') throw new Error(`CLOSE refused ${code}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('an event sent while the case starts is refused CASE_STARTING and leaves nothing in the history', async () => {
  // A worker that runs workflow tasks but no activities: the case cannot resolve its definition.
  // (Why such an event is not accepted to wait for the start: docs/performance.md.)
  const stalled = await startTestWorker({
    allowInlineDefinitions: true,
    actorTrust: unsigned,
    workerOptions: { enableNonLocalActivities: false },
  });
  const id = caseId('starting');
  let worker: Awaited<ReturnType<typeof startTestWorker>> | undefined;
  try {
    const handle = await raw.workflow.start(WORKFLOW_TYPE, { workflowId: id, taskQueue: stalled.taskQueue, args: [args] });
    expect(await refusalCode(handle.executeUpdate(eventUpdate, { args: [{ type: 'NOTE', actor: agent }] }))).toBe('CASE_STARTING');
    expect(((await handle.query(stateQuery)) as StateView).status).toBe('starting');
    await stalled.stop();
    worker = await startTestWorker({ taskQueue: stalled.taskQueue, allowInlineDefinitions: true, actorTrust: unsigned });
    await closeWhenStarted(id);
    expect((await handle.result()).outcome).toBe('closed');
    const history = await handle.fetchHistory();
    expect((history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length).toBe(1);
    await Worker.runReplayHistory({ workflowBundle: { codePath: testServer().bundlePath } }, history, id);
  } finally {
    await worker?.stop();
    await stalled.stop();
  }
});

describe('the process and hash a start carries', () => {
  const upsertedKeys = upsertedKeysOf;
  const run = async (id: string, taskQueue: string, typedSearchAttributes: SearchAttributePair[]) => {
    const handle = await raw.workflow.start(WORKFLOW_TYPE, { workflowId: id, taskQueue, args: [args], typedSearchAttributes });
    await closeWhenStarted(id);
    const result = await handle.result();
    return { result, attributes: (await handle.describe()).typedSearchAttributes };
  };

  it('equal to what the case resolved: no upsert of its own; forged or missing: both upserted in the first task', async () => {
    const worker = await startTestWorker({ allowInlineDefinitions: true, actorTrust: unsigned });
    try {
      // Without start attributes (as every history recorded before): process and hash upserted together.
      const plain = caseId('plain');
      const { result } = await run(plain, worker.taskQueue, []);
      const hash = result.definitionHash;
      expect((await upsertedKeys(plain))[0].sort()).toEqual(['DocketDefinitionHash', 'DocketProcess']);

      // The start carries both, as the TypeScript client's does: no upsert names them.
      const carried = caseId('carried');
      const own = await run(carried, worker.taskQueue, [
        { key: SA_PROCESS, value: 'start-notes' },
        { key: SA_DEFINITION_HASH, value: hash },
      ]);
      expect((await upsertedKeys(carried)).flat()).not.toContain('DocketDefinitionHash');
      expect((await upsertedKeys(carried)).flat()).not.toContain('DocketProcess');
      expect(own.attributes.get(SA_DEFINITION_HASH)).toBe(hash);
      expect((await upsertedKeys(plain)).length - (await upsertedKeys(carried)).length).toBe(1);

      // A forged hash is not trusted: corrected by the first upsert.
      const forged = caseId('forged');
      const corrected = await run(forged, worker.taskQueue, [
        { key: SA_PROCESS, value: 'start-notes' },
        { key: SA_DEFINITION_HASH, value: 'f'.repeat(64) },
      ]);
      expect((await upsertedKeys(forged))[0].sort()).toEqual(['DocketDefinitionHash', 'DocketProcess']);
      expect(corrected.attributes.get(SA_DEFINITION_HASH)).toBe(hash);
      expect(corrected.attributes.get(SA_PROCESS)).toBe('start-notes');
    } finally {
      await worker.stop();
    }
  });
});

it('ProcessClient.start carries both: the case upserts neither, describe shows its hash, and its history replays', async () => {
  const h = await startHarness();
  try {
    const id = h.caseId('client-start');
    const started = await h.docket.start({
      process: 'refund-approval',
      id,
      input: { caseId: 'C-2001', amount: 680, requestedBy: 'alice' },
    });
    expect(started.status).toBe('running');
    const handle = raw.workflow.getHandle(id);
    expect(await upsertedKeysOf(id)).not.toContainEqual(expect.arrayContaining(['DocketDefinitionHash']));
    expect((await upsertedKeysOf(id)).flat()).not.toContain('DocketProcess');
    expect((await handle.describe()).typedSearchAttributes.get(SA_DEFINITION_HASH)).toBe(started.definitionHash);
    await Worker.runReplayHistory({ workflowBundle: { codePath: testServer().bundlePath } }, await handle.fetchHistory(), id);
    await handle.terminate('test done');
  } finally {
    await h.stop();
  }
});

/** The keys of each search-attribute upsert in the case's history, in order. */
async function upsertedKeysOf(id: string): Promise<string[][]> {
  const history = await raw.workflow.getHandle(id).fetchHistory();
  return (history.events ?? [])
    .map((e) => Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}))
    .filter((keys) => keys.length > 0);
}
