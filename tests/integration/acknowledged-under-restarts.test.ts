/**
 * Issue 9, item 4 under load: an event is applied exactly when its caller was told "accepted",
 * while the worker goes away and is replaced three times in the middle of the load: the first, in
 * this process, is shut down; the next two, separate `docket worker` processes, are killed with
 * SIGKILL (the last one is left running to the end). Every Update goes through ProcessClient.send, which gives it an
 * update id and, when the outcome is unknown (the call timed out, no worker answered, a workflow
 * task failed), sends it again with the same id. At the end the histories are compared with what
 * the callers were told: one UpdateAccepted and one UpdateCompleted per acknowledged update id,
 * none for anything else, and each event's number once in the case's timeline.
 *
 * The restarts are placed by how many events were acknowledged so far, not by time.
 */
import type { ChildProcess } from 'node:child_process';
import type { ProcessDefinition } from '../../dsl/types';
import { spawnWorkerProcess } from '../support/worker-process';
import { startHarness, type Harness } from '../support/harness';

const CASES = 24;
const EVENTS_PER_CASE = 15; // 360 Updates in all
const RESTARTS_AT = [0.25, 0.5, 0.75].map((f) => Math.round(f * CASES * EVENTS_PER_CASE));
const actor = { id: 'alice', roles: ['agent'] };

/** Every NOTE moves the case to the other state, so each one is a transition with its data in the timeline. */
const toggle = {
  process: 'ack-toggle',
  title: 'Toggle',
  roles: ['agent'],
  events: { NOTE: { by: ['agent'], data: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } } },
  context: { count: '0' },
  initial: 'ping',
  states: {
    ping: { on: { NOTE: { target: 'pong', assign: { count: 'context.count + 1' } } } },
    pong: { on: { NOTE: { target: 'ping', assign: { count: 'context.count + 1' } } } },
  },
} as unknown as ProcessDefinition;

let h: Harness;
let worker: ChildProcess | undefined;
let inProcess: { stop(): Promise<void> } | undefined;

beforeAll(async () => {
  h = await startHarness({ withWorker: false });
});
afterAll(async () => {
  await inProcess?.stop();
  if (worker && worker.exitCode === null) {
    worker.kill('SIGTERM');
    await new Promise((r) => worker!.once('exit', r));
  }
  await h?.stop();
});

/** A `docket worker` process on the harness's task queue; it trusts the harness's signing key. */
function spawnWorker(): ChildProcess {
  return spawnWorkerProcess(h, { logLevel: 'error' });
}

/** Stops the worker of the moment: the in-process one shut down, a worker process killed. */
async function stopWorker(): Promise<void> {
  if (inProcess) {
    await inProcess.stop();
    inProcess = undefined;
    return;
  }
  const dying = worker!;
  const exited = new Promise((r) => dying.once('exit', r));
  dying.kill('SIGKILL');
  await exited;
}

interface HistoryEvent {
  workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest?: { meta?: { updateId?: string } }; protocolInstanceId?: string };
  workflowExecutionUpdateCompletedEventAttributes?: { meta?: { updateId?: string } };
}

it(`applies exactly the ${CASES * EVENTS_PER_CASE} acknowledged events, once each, while the worker is stopped or killed three times`, async () => {
  // In this process first: its shutdown also ends the Temporal runtime the harness installed.
  inProcess = await h.startWorker();
  const ids = Array.from({ length: CASES }, (_, i) => h.caseId(`ack-${i}`));
  await h.docket.start({ definition: toggle, id: ids[0], input: {} });
  for (const id of ids.slice(1)) await h.docket.start({ process: 'ack-toggle', id, input: {} });

  const acknowledged = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
  const retried = new Set<string>();
  let acked = 0;
  let restarts = 0;
  let restarting: Promise<void> = Promise.resolve();
  const onAck = () => {
    acked++;
    if (restarts < RESTARTS_AT.length && acked >= RESTARTS_AT[restarts]) {
      restarts++;
      // Stop the worker and start the next one at once: Updates in flight meet a worker going away.
      restarting = restarting.then(async () => {
        await stopWorker();
        worker = spawnWorker();
      });
    }
  };

  // One chain of sends per case, all cases at once.
  await Promise.all(
    ids.map(async (id) => {
      for (let n = 0; n < EVENTS_PER_CASE; n++) {
        const updateId = `${id}-note-${n}`;
        await h.docket.send(
          id,
          { type: 'NOTE', actor, data: { n } },
          {
            updateId,
            rpcTimeoutMs: 5_000,
            retryUnknownForMs: 180_000,
            onRetry: () => void retried.add(updateId),
          },
        );
        acknowledged.get(id)!.add(updateId);
        onAck();
      }
    }),
  );
  await restarting;
  expect(restarts).toBe(3);

  let accepted = 0;
  let completed = 0;
  for (const id of ids) {
    const { events } = JSON.parse(await h.docket.history(id)) as { events: HistoryEvent[] };
    const acceptedIds = events
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId)
      .filter((u): u is string => !!u);
    const completedIds = events
      .map((e) => e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId)
      .filter((u): u is string => !!u);
    // Each acknowledged update id once, and nothing the callers were not told about.
    expect(acceptedIds.sort()).toEqual([...acknowledged.get(id)!].sort());
    expect(completedIds.sort()).toEqual([...acknowledged.get(id)!].sort());
    accepted += acceptedIds.length;
    completed += completedIds.length;
    // The case applied each event once: its count, and each number once among its transitions.
    const view = await h.docket.state(id, { timelineLimit: 1000 });
    expect(view.context.count).toBe(EVENTS_PER_CASE);
    const numbers = view.timeline.flatMap((e) => (e.kind === 'transition' && e.event === 'NOTE' ? [Number(e.data?.n)] : []));
    expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: EVENTS_PER_CASE }, (_, n) => n));
  }
  process.stderr.write(
    `[acknowledged-under-restarts] ${acked} acknowledged, ${accepted} UpdateAccepted, ${completed} UpdateCompleted over ${CASES} cases; ` +
      `${restarts} worker stops (1 shutdown, 2 SIGKILL); ${retried.size} updates sent again after an unknown outcome\n`,
  );
  expect(acked).toBe(CASES * EVENTS_PER_CASE);
  expect(accepted).toBe(acked);
  expect(completed).toBe(acked);
}, 600_000);
