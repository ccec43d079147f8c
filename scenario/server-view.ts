/**
 * How `docket test --server` reads a case on a real server so that an expectation means what it
 * means offline: the case's real id reads as the offline id, times taken while the scenario ran
 * read as the scenario's start (offline no time passes without `advance`, and a scenario with
 * `advance` does not run on a server), and running child processes are the pending invocations.
 */
import type { ProcessClient } from '../client/process-client';
import { checkSettled, pollUntil } from '../client/settle';
import type { StateView } from '../contract/wire';
import type { CaseView } from './expect';

export interface ReadAs {
  /** The case's id on the server, e.g. `test-refund-approval-1-00c1b136`. */
  id: string;
  /** The id the offline run gives every case (`test-case`). */
  offlineId: string;
  /** The scenario's start on the virtual clock (its `start`, or the default). */
  startMs: number;
  /** Real time just before the case was started: a time from then to now was taken during the run. */
  ranFrom: number;
}

/** The state view as the offline run would show it; `made` counts the finished invocations. */
export function caseView(view: StateView, as: ReadAs): CaseView & { made: number } {
  const now = Date.now();
  const offline = (value: unknown): unknown => {
    if (typeof value === 'number') return value >= as.ranFrom && value <= now ? as.startMs : value;
    if (typeof value === 'string') {
      const time = ISO_TIME.test(value) ? Date.parse(value) : NaN;
      if (time >= as.ranFrom && time <= now) return new Date(as.startMs).toISOString();
      return value.split(as.id).join(as.offlineId);
    }
    if (Array.isArray(value)) return value.map(offline);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, offline(v)]));
    return value;
  };
  const finished = view.timeline.flatMap((e) =>
    e.kind === 'invoke' ? [{ name: (e.activity ?? e.process)!, status: e.status as string }] : [],
  );
  // The timeline records an invocation when it ends; a child process still running is pending, as offline.
  const running = (view.children ?? []).map((c) => ({ name: c.process, status: 'pending' }));
  return {
    now,
    state: view.state,
    status: view.status,
    outcome: view.outcome,
    failure: view.failure,
    context: offline(view.context) as Record<string, unknown>,
    deadlines: view.deadlines,
    invocations: [...finished, ...running],
    made: finished.length,
    allowed: view.allowed,
    toleranceMs: 60_000,
  };
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Waits (up to `waitMs`) until the case has no activity and no workflow task pending, as offline an
 * answered invocation settles within the step that started it. Running child processes do not
 * count: offline they stay pending until a `complete` step. An activity that keeps retrying is
 * still pending after `waitMs`: the event is then sent anyway and the step reports what happened.
 */
export async function waitUntilSettled(client: ProcessClient, id: string, waitMs: number): Promise<boolean> {
  const { ready } = await pollUntil(
    () => checkSettled(client.client, id),
    (check) => check.settled,
    waitMs,
  );
  return ready;
}
