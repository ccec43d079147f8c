/**
 * Re-runs a recorded case offline, without Temporal: compiles a definition (the case's pinned one
 * by default, or an edited one for what-if) and feeds the machine what the history recorded —
 * the input, the events actors sent (Updates and Signals), the invocation results — at the times
 * they arrived, with XState's timers on a virtual clock. Deadlines fire by time, so a shorter or
 * longer deadline in an edited definition fires (or not) where it would have.
 *
 * Invocations take the recorded result of the next recorded invocation with the same name; one
 * with no recording is assumed to succeed at once with no output (listed in `assumptions`).
 * Events go through the same gate as the workflow (`checkEvent`), so an event the edited
 * definition would refuse is refused here too. Pure apart from reading the given history.
 *
 * The machine starts where the workflow started it: in the activation that delivered the result
 * of the engine's resolveDefinition step (the workflow's first activation only schedules that
 * step). Events that arrived before (a signal-with-start's signal) were buffered by the workflow
 * until its handlers were set, right after the machine started; they are delivered then here too.
 */
import { createActor, type AnyActorRef, type AnyEventObject, type InspectionEvent } from 'xstate';
import { CompensationStack } from '../compiler/compensation';
import { compileDefinition, outcomeOf, type ArmedDeadline, type InvokeRequest } from '../compiler/compile';
import { publicContext } from '../compiler/joins';
import { checkDistinctActors } from '../compiler/distinct-actors';
import { checkEvent } from '../compiler/event-gate';
import { displayPath, leafPaths } from '../compiler/state-paths';
import { afterEventKey, afterEventType, XSTATE_INIT } from '../compiler/xstate-events';
import type { Actor, EventInput, Rejection, RejectionCode } from '../contract/wire';
import type { ProcessDefinition } from '../dsl/types';
import { recordedActivations, type RecordedInput, type RecordedInvocation } from './activations';
import { caseInput } from './case-input';
import { historyFacts } from './history-facts';
import type { HistoryFile } from './history-file';
import { compensationsAtEnd, type RerunCompensation } from './rerun-compensations';

export interface RerunOptions {
  /** The definition to run. Default: the one the case's resolveDefinition step recorded. */
  definition?: ProcessDefinition;
}

export interface RerunTransition {
  at: string;
  event: string;
  actor?: Actor;
  from: string[];
  to: string[];
}

export interface RerunDeadline {
  key: string;
  name: string;
  state: string;
  armedAt: string;
  due: string;
  target?: string;
  /** `fired`: the deadline passed and its transition ran; `cleared`: its state was left first. */
  status: 'fired' | 'cleared' | 'pending';
  endedAt?: string;
  /** The event that left the state, for cleared deadlines. */
  clearedBy?: string;
}

export interface RerunInvocation {
  at: string;
  state: string;
  kind: 'activity' | 'process';
  name: string;
  /** Event id of the recorded invocation whose result was used; undefined when assumed. */
  recorded?: number;
  status: 'done' | 'failed' | 'canceled' | 'pending';
}

export interface RerunRejection {
  at: string;
  via: 'update' | 'signal';
  event: string;
  actor?: Actor;
  code: RejectionCode;
  reason: string;
}

export interface RerunResult {
  definition: ProcessDefinition;
  transitions: RerunTransition[];
  rejected: RerunRejection[];
  deadlines: RerunDeadline[];
  invocations: RerunInvocation[];
  /**
   * What the case undoes once it ended (failed, cancelled as the record was, or in a final state
   * with `compensate: true`), in the order it runs them (newest first); empty when nothing.
   */
  compensations: RerunCompensation[];
  /** What the re-run had to assume because the record does not say. */
  assumptions: string[];
  /** Every state entered, in order of first entry (dotted paths). */
  visited: string[];
  state: string[];
  status: 'running' | 'completed' | 'failed';
  outcome?: string;
  failure?: string;
  context: Record<string, unknown>;
  /** Time the machine started (the activation that received the resolved definition). */
  startedAt: string;
  /** Time the re-run stopped (the last recorded event). */
  endedAt: string;
}

interface Live {
  request: InvokeRequest;
  record: RerunInvocation;
  done(output: unknown): void;
  failed(error: string): void;
  cancelled: boolean;
}

export function rerunCase(file: HistoryFile, options: RerunOptions = {}): RerunResult {
  const started = caseInput(file);
  const def = options.definition ?? started.definition;
  const { input, args } = started;
  const { activations, invocations: recorded, definitionIn, endMs } = recordedActivations(file);
  // The activation where the workflow started the machine; none when the definition's result arrived as the record ended.
  const firstActivation = definitionIn ?? activations.length;
  let now = activations[firstActivation]?.at ?? endMs;
  let activationIndex = firstActivation;
  const iso = (ms = now) => new Date(ms).toISOString();

  const result: RerunResult = {
    definition: def,
    transitions: [],
    rejected: [],
    deadlines: [],
    invocations: [],
    compensations: [],
    assumptions: [],
    visited: [],
    state: [],
    status: 'running',
    context: {},
    startedAt: iso(now),
    endedAt: iso(endMs),
  };

  // XState's delays run on this clock; `due` is virtual time.
  const timers = new Map<number, { due: number; fn: () => void }>();
  let timerSeq = 0;
  const clock = {
    setTimeout: (fn: () => void, ms: number) => {
      timers.set(++timerSeq, { due: now + ms, fn });
      return timerSeq;
    },
    clearTimeout: (id: number) => void timers.delete(id),
  };

  const later: Array<() => void> = [];
  let starting: Live[] = [];
  const used = new Set<number>();
  const live = new Map<number, Live>();
  const latestDeadline = new Map<string, RerunDeadline>();
  let justCleared: RerunDeadline[] = [];
  let failure: string | undefined;
  const carried = new Map<string, number>();
  // As the workflow stacks them: an invocation's compensation when it returns (carried over continue-as-new).
  const stack = new CompensationStack(args.resume?.compensations);

  const settle = (entry: Live, outcome: { status: 'done' | 'failed' | 'canceled'; output?: unknown; error?: string }) => {
    if (entry.cancelled) return;
    entry.record.status = outcome.status;
    if (outcome.status === 'done' && entry.request.compensation) {
      try {
        stack.push(entry.request.compensation(outcome.output));
      } catch (err) {
        failure ??= (err as Error)?.message ?? String(err);
        return;
      }
    }
    if (outcome.status === 'done') entry.done(outcome.output);
    else if (outcome.status === 'failed') {
      if (entry.request.hasOnError) entry.failed(outcome.error ?? 'failed');
      else
        failure ??= `${entry.request.kind} ${entry.request.name} failed in state ${entry.request.state} and the state has no onError: ${outcome.error}`;
    }
  };

  const resultFor = (match: RecordedInvocation): RecordedInput | undefined =>
    match.resultIn === undefined
      ? undefined
      : activations[match.resultIn].inputs.find((i) => i.kind === 'result' && i.invocation === match.id);

  const machine = compileDefinition(def, input, {
    now: () => now,
    caseId: started.workflowId,
    startInvocation: (request, done, failed) => {
      const record: RerunInvocation = { at: iso(), state: request.state, kind: request.kind, name: request.name, status: 'pending' };
      result.invocations.push(record);
      const entry: Live = { request, record, done, failed, cancelled: false };
      // Matched when the activation ends: one started and cancelled within it never reached the history.
      starting.push(entry);
      return () => {
        if (!entry.cancelled && record.status === 'pending') record.status = 'canceled';
        entry.cancelled = true;
        if (record.recorded !== undefined) live.delete(record.recorded);
      };
    },
    deadlineArmed: (d: ArmedDeadline) => {
      const deadline: RerunDeadline = {
        key: d.key,
        name: d.name,
        state: d.state,
        armedAt: iso(),
        due: iso(d.dueMs),
        target: d.target,
        status: 'pending',
      };
      result.deadlines.push(deadline);
      latestDeadline.set(d.key, deadline);
    },
    deadlineCleared: (key) => {
      const deadline = latestDeadline.get(key);
      if (deadline?.status === 'pending') {
        deadline.status = 'cleared';
        deadline.endedAt = iso();
        justCleared.push(deadline);
      }
      const timer = carried.get(key);
      if (timer !== undefined) timers.delete(timer);
      carried.delete(key);
    },
    log: () => undefined,
  });

  let previous: string[] = [];
  const visited = new Set<string>();
  const enter = (states: string[]) => states.forEach((s) => visited.add(s));
  let actor: AnyActorRef;
  const onInspect = (ev: InspectionEvent) => {
    if (ev.type !== '@xstate.snapshot' || ev.actorRef !== actor) return;
    const event = ev.event as AnyEventObject & Partial<EventInput>;
    const to = leafPaths((ev.snapshot as unknown as { value: unknown }).value).map(displayPath);
    let label = event.type.startsWith('docket.invoke.done.')
      ? 'invoke.done'
      : event.type.startsWith('docket.invoke.error.')
        ? 'invoke.error'
        : event.type;
    const key = afterEventKey(event.type);
    if (key !== undefined) {
      const fired =
        justCleared.find((d) => d.key === key) ?? (latestDeadline.get(key)?.status === 'pending' ? latestDeadline.get(key) : undefined);
      if (fired) {
        fired.status = 'fired';
        fired.endedAt = iso();
        label = `after:${fired.name}`;
      }
    }
    for (const d of justCleared) if (d.status === 'cleared') d.clearedBy = label;
    justCleared = [];
    if (event.type !== XSTATE_INIT && to.join() !== previous.join()) {
      result.transitions.push({ at: iso(), event: label, actor: event.actor, from: previous, to });
    }
    enter(to);
    previous = to;
  };

  try {
    actor = createActor(machine, { clock, inspect: onInspect, snapshot: args.resume?.snapshot as never, logger: () => undefined });
    actor.subscribe({ error: (err) => (failure ??= (err as Error)?.message ?? String(err)) });
    actor.start();
  } catch (err) {
    return { ...result, status: 'failed', failure: `the machine could not start: ${(err as Error).message}` };
  }
  for (const d of args.resume?.deadlines ?? []) {
    result.deadlines.push({
      key: d.key,
      name: d.name,
      state: d.state,
      armedAt: iso(),
      due: iso(d.dueMs),
      target: d.target,
      status: 'pending',
    });
    latestDeadline.set(d.key, result.deadlines[result.deadlines.length - 1]);
    timers.set(++timerSeq, { due: d.dueMs, fn: () => actor.send({ type: afterEventType(d.key, d.state) }) });
    carried.set(d.key, timerSeq);
  }

  const running = () => !failure && actor.getSnapshot().status === 'active';
  const flush = () => {
    while (later.length) later.shift()!();
  };
  /** Gives each invocation started in this activation (and not cancelled in it) its recorded counterpart. */
  const bind = () => {
    while (starting.length) {
      const batch = starting;
      starting = [];
      for (const entry of batch) {
        if (entry.cancelled) continue;
        const match = recorded.find((r) => !used.has(r.id) && r.kind === entry.request.kind && r.name === entry.request.name);
        if (!match) {
          result.assumptions.push(
            `${entry.request.kind} ${entry.request.name} in ${entry.request.state} at ${entry.record.at} has no recorded result: assumed done, without output`,
          );
          later.push(() => settle(entry, { status: 'done' }));
          continue;
        }
        used.add(match.id);
        entry.record.recorded = match.id;
        const recordedResult = resultFor(match);
        // Started later than it was recorded (another path): its recorded result is already in.
        if (recordedResult?.kind === 'result' && match.resultIn! <= activationIndex) later.push(() => settle(entry, recordedResult));
        else live.set(match.id, entry);
      }
      flush();
    }
  };
  /** Fires every timer due by `until`, earliest first; each at its due time unless `at` is given. */
  const fireTimers = (until: number, at?: number) => {
    for (;;) {
      let next: [number, { due: number; fn: () => void }] | undefined;
      for (const entry of timers) if (entry[1].due <= until && (!next || entry[1].due < next[1].due)) next = entry;
      if (!next || !running()) return;
      timers.delete(next[0]);
      now = at ?? Math.max(now, next[1].due);
      next[1].fn();
      flush();
    }
  };

  flush();
  // Events that came before the machine existed, buffered by the workflow until its handlers were set.
  const buffered = activations.slice(0, firstActivation).flatMap((a) => a.inputs.filter((i) => i.kind === 'event'));
  for (activationIndex = firstActivation; activationIndex < activations.length && running(); activationIndex++) {
    const activation = activations[activationIndex];
    const inputs = activationIndex === firstActivation ? [...buffered, ...activation.inputs] : activation.inputs;
    const recordedTimerFired = activation.inputs.some((i) => i.kind === 'timer');
    // A timer the record fired here fires at this activation's time, as it did; others at their due time.
    fireTimers(activation.at, recordedTimerFired ? activation.at : undefined);
    now = Math.max(now, activation.at);
    for (const item of inputs) {
      if (!running()) break;
      if (item.kind === 'event') deliverEvent(item.via, item.event, item.refusal);
      else if (item.kind === 'result') {
        const entry = live.get(item.invocation);
        if (entry) {
          live.delete(item.invocation);
          settle(entry, item);
        }
      }
      flush();
    }
    bind();
  }
  // The activation the case ended in: its compensations were started there or later.
  const endedIn = running() ? activations.length : activationIndex - 1;
  if (running()) {
    fireTimers(endMs);
    bind();
  }

  function deliverEvent(via: 'update' | 'signal', event: EventInput, refusal?: Rejection): void {
    const leaves = leafPaths(actor.getSnapshot().value);
    const steps = result.transitions.map((t) => ({ kind: 'transition' as const, ...t }));
    const rejection =
      refusal ??
      checkEvent(def, leaves, event, { input, context: actor.getSnapshot().context, now, caseId: started.workflowId }) ??
      checkDistinctActors(def, event, steps);
    if (rejection) {
      result.rejected.push({
        at: iso(),
        via,
        event: String(event?.type),
        actor: event?.actor,
        code: rejection.code,
        reason: rejection.message,
      });
      return;
    }
    actor.send({ type: event.type, actor: event.actor, data: event.data ?? {} });
  }

  const snapshot = actor.getSnapshot();
  const leaves = leafPaths(snapshot.value);
  result.state = leaves.map(displayPath);
  result.context = publicContext(snapshot.context as Record<string, unknown>);
  result.visited = [...visited];
  result.failure = failure ?? (snapshot.status === 'error' ? String((snapshot as { error?: unknown }).error) : undefined);
  result.status = result.failure ? 'failed' : snapshot.status === 'done' ? 'completed' : 'running';
  if (result.status === 'completed') result.outcome = outcomeOf(def, leaves[0], snapshot.output);
  // Cancelled: the record ends with the cancellation, while the re-run's machine still runs.
  const end = result.status !== 'running' ? result.status : historyFacts(file).end?.status === 'canceled' ? 'cancelled' : undefined;
  if (end) {
    const unused = recorded.filter((r) => !used.has(r.id) && (end === 'cancelled' || r.startedIn >= endedIn));
    const undo = compensationsAtEnd(stack, { definition: def, end, state: result.state }, unused, resultFor);
    result.compensations = undo.compensations;
    result.assumptions.push(...undo.assumptions);
  }
  actor.stop();
  return result;
}
