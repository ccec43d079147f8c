/**
 * Issue 9: 2,000 events at the case's maximum size to one case on a real Temporal server. The
 * case keeps answering (the state Query after every batch counts every acknowledged event),
 * continues as new on history size, and its history costs about what a hand-written Temporal
 * workflow's costs for the same Updates (tests/fixtures/hand-notes-workflow): exported JSON
 * (historyToJSON, as bench/run.ts measures it) of all runs summed, divided by the events.
 *
 * The Updates go out concurrently in small batches to keep the wall time down; nothing here
 * depends on timing.
 */
import { join } from 'node:path';
import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { EventRejectedError, ProcessClient } from '../../client';
import { DEFAULT_EVENT_BYTES } from '../../compiler/event-limits';
import { stateQuery } from '../../contract/handles';
import { WORKFLOW_TYPE, type ProcessArgs, type StateView } from '../../contract/wire';
import { createLogger, installRuntimeLogging } from '../../worker/logger';
import { handEvent, handState } from '../fixtures/hand-notes-workflow';
import { startTestWorker, testClient, testServer, uniqueTaskQueue, type TestWorker } from '../support/server';

const EVENTS = 2_000;
const BATCH = 8;
const actor = { id: 'alice', roles: ['agent'] };

/** A case that counts NOTEs and stays where it is (no transition entry, no context growth). */
const notes = {
  process: 'max-notes',
  title: 'Notes at the size limit',
  roles: ['agent'],
  events: { NOTE: { by: ['agent'], data: { type: 'object', required: ['note'], properties: { note: { type: 'string' } } } } },
  context: { count: '0' },
  initial: 'open',
  states: { open: { on: { NOTE: { target: 'open', assign: { count: 'context.count + 1' } } } } },
};

let raw: Client;
let docket: ProcessClient;
let dev: TestWorker;
let handConnection: NativeConnection;
let hand: Worker;
let handRunning: Promise<void>;
const handQueue = uniqueTaskQueue('hand-notes');

beforeAll(async () => {
  // Worker logs only when something goes wrong (29 "continuing as new" lines otherwise), as in the harness.
  installRuntimeLogging(createLogger({ level: process.env.DOCKET_LOG_LEVEL ?? 'warn' }));
  raw = await testClient();
  dev = await startTestWorker({ activities: {}, allowInlineDefinitions: true });
  docket = new ProcessClient({ client: raw, taskQueue: dev.taskQueue });
  // The baseline runs on a worker and task queue of its own, bundled from the fixture.
  handConnection = await NativeConnection.connect({ address: testServer().address });
  hand = await Worker.create({
    connection: handConnection,
    namespace: testServer().namespace,
    taskQueue: handQueue,
    workflowsPath: join(__dirname, '../fixtures/hand-notes-workflow'),
  });
  handRunning = hand.run();
}, 120_000);

afterAll(async () => {
  await dev?.stop();
  if (hand?.getState() === 'RUNNING') hand.shutdown();
  await handRunning;
  await handConnection?.close();
});

/** Every run of a workflow id, newest first, by walking back the continue-as-new chain. */
async function runsOf(id: string): Promise<temporal.api.history.v1.IHistory[]> {
  const histories: temporal.api.history.v1.IHistory[] = [];
  let runId: string | undefined = (await raw.workflow.getHandle(id).describe()).runId;
  while (runId) {
    const history = await fetchRun(id, runId);
    histories.push(history);
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return histories;
}

/**
 * One run's history in pages of 20 events: a run that continued at 4 MiB of history is larger
 * than the client's 4 MiB gRPC message limit in one page (what `handle.fetchHistory()` asks for).
 */
async function fetchRun(workflowId: string, runId: string): Promise<temporal.api.history.v1.IHistory> {
  const events: temporal.api.history.v1.IHistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await raw.workflowService.getWorkflowExecutionHistory({
      namespace: testServer().namespace,
      execution: { workflowId, runId },
      maximumPageSize: 20,
      nextPageToken,
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return { events };
}

function measure(histories: temporal.api.history.v1.IHistory[]) {
  const bytes = histories.reduce((sum, h) => sum + Buffer.byteLength(historyToJSON(h as temporal.api.history.v1.History)), 0);
  const accepted = histories.reduce(
    (sum, h) => sum + (h.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length,
    0,
  );
  return { runs: histories.length, bytes, accepted, bytesPerEvent: bytes / EVENTS };
}

/** Sends EVENTS events in batches of BATCH; after each batch, `answered(sent)` must hold. */
async function sendAll(send: (i: number) => Promise<unknown>, answered: (sent: number) => Promise<void>): Promise<void> {
  for (let sent = 0; sent < EVENTS;) {
    const batch = Math.min(BATCH, EVENTS - sent);
    await Promise.all(Array.from({ length: batch }, (_, k) => send(sent + k)));
    sent += batch;
    await answered(sent);
  }
}

/**
 * The state Query's answer once the case has its context: right after continuing as new, the next
 * run answers while it is still resolving its definition (no context yet), so ask again.
 */
async function counted(id: string): Promise<StateView> {
  for (let attempt = 1; ; attempt++) {
    const view = (await raw.workflow.getHandle(id).query(stateQuery, { timelineLimit: 1 })) as StateView;
    if (view.context?.count !== undefined || attempt >= 100) return view;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * An Update of the baseline, sent again with the same update id when the call failed without a
 * refusal (the run was continuing as new): Temporal applies an update id once per run.
 */
async function handUpdate(id: string, event: unknown, updateId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await raw.workflow.getHandle(id).executeUpdate(handEvent, { args: [event as never], updateId });
      return;
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError || attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

it(`takes ${EVENTS} events at the maximum size, continues as new, keeps answering, and its history per event is within 1.2x of a hand-written workflow's`, async () => {
  const stamp = Date.now().toString(36);
  // The largest note the default limit takes: one character more is PAYLOAD_TOO_LARGE.
  const note = 'n'.repeat(DEFAULT_EVENT_BYTES - 11);
  const event = (n: string) => ({ type: 'NOTE', actor, data: { note: n } });

  const id = `max-size-${stamp}`;
  await raw.workflow.start(WORKFLOW_TYPE, {
    workflowId: id,
    taskQueue: dev.taskQueue,
    args: [{ process: 'max-notes', definition: notes, input: {} } as ProcessArgs],
  });
  const tooLarge = await docket.send(id, event(`${note}n`)).catch((e: unknown) => e);
  expect(tooLarge).toBeInstanceOf(EventRejectedError);
  expect((tooLarge as EventRejectedError).code).toBe('PAYLOAD_TOO_LARGE');

  await sendAll(
    (i) => docket.send(id, event(note), { updateId: `note-${i}` }),
    async (sent) => {
      const view = await counted(id);
      expect(view.context.count).toBe(sent);
    },
  );
  const docketRuns = await runsOf(id);
  // The largest run in one piece, as `docket history --run` reads it (ProcessClient.connect).
  const largest = docketRuns.reduce((a, b) => ((a.events?.length ?? 0) >= (b.events?.length ?? 0) ? a : b));
  const connected = await ProcessClient.connect({ TEMPORAL_ADDRESS: testServer().address, TEMPORAL_NAMESPACE: testServer().namespace });
  try {
    const runId = largest.events![0].workflowExecutionStartedEventAttributes!.originalExecutionRunId!;
    const exported = await connected.history(id, { runId });
    expect(Buffer.byteLength(exported)).toBeGreaterThan(4 * 1024 * 1024);
    expect((JSON.parse(exported) as { events: unknown[] }).events).toHaveLength(largest.events!.length);
  } finally {
    await connected.close();
  }

  const handId = `hand-notes-${stamp}`;
  await raw.workflow.start('handNotes', { workflowId: handId, taskQueue: handQueue, args: [0] });
  await sendAll(
    (i) => handUpdate(handId, event(note), `note-${i}`),
    async (sent) => expect((await raw.workflow.getHandle(handId).query(handState)).count).toBe(sent),
  );
  const handRuns = await runsOf(handId);

  const ours = measure(docketRuns);
  const theirs = measure(handRuns);
  const ratio = ours.bytesPerEvent / theirs.bytesPerEvent;
  process.stderr.write(
    `[max-size-events] ${EVENTS} events of ${DEFAULT_EVENT_BYTES} bytes: docket ${ours.runs} runs, ${ours.bytes} bytes, ${Math.round(ours.bytesPerEvent)} bytes/event; ` +
      `hand-written ${theirs.runs} runs, ${theirs.bytes} bytes, ${Math.round(theirs.bytesPerEvent)} bytes/event; ratio ${ratio.toFixed(3)}\n`,
  );
  // Every event applied once, in some run; more than one run (4 MiB of history per run at most).
  expect(ours.accepted).toBe(EVENTS);
  expect(theirs.accepted).toBe(EVENTS);
  expect(ours.runs).toBeGreaterThan(1);
  expect(ratio).toBeLessThanOrEqual(1.2);
}, 1_800_000);
