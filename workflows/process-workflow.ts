/**
 * The generic workflow: runs any validated definition as an XState actor.
 *
 * A case starts by process name; its first step resolves the deployed definition (a recorded
 * activity, see definition-step.ts), so the definition is pinned in the history and nothing the
 * caller sends is taken on its word. Events arrive as a
 * validated Update (rejections leave no trace in history) or as a Signal (rejections are
 * recorded in the timeline). `after` delays become durable timers on the case's own clock
 * (durable-clock.ts), never the sandbox's global setTimeout; invocations become activities or child workflows.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { createActor, type AnyActorRef, type AnyEventObject, type AnyStateMachine, type InspectionEvent } from 'xstate';
import { bindSnapshot, caseBinding, machineFor, outcomeOf, type RuntimeHooks } from '../compiler/compile';
import { allowedByRole, checkEvent } from '../compiler/event-gate';
import { displayPath, leafPaths } from '../compiler/state-paths';
import { eventSignal, eventUpdate, stateQuery } from '../contract/handles';
import {
  DEFAULT_TIMELINE_LIMIT,
  type CaseFailureCode,
  type ChildView,
  type EventInput,
  type EventResult,
  type ProcessArgs,
  type ProcessResult,
  type Rejection,
  type ResolvedDefinition,
  type StateView,
  type TimelinePage,
} from '../contract/wire';
import type { ProcessDefinition } from '../dsl/types';
import { caseErrorCode, type CaseError } from '../compiler/case-error';
import { schemaValidator } from '../compiler/schema-validators';
import { CaseRecord } from './case-record';
import { carriedTimeline } from './carried-timeline';
import { LoopGuard } from './loop-guard';
import { actorRefusal, trustActors } from './actor-verification';
import { checkDistinctActors } from '../compiler/distinct-actors';
import { failCase, pinnedDefinition, resolveCaseDefinition, resolveRequestOf } from './definition-step';
import { createInvoker } from './invocations';
import { CarriedTimers } from './carried-timers';
import { DurableClock } from './durable-clock';
import { SearchAttributeSync } from './search-attributes';
import { CaseMetrics } from './case-metrics';
import { refusal } from './refusal';
import { Compensations } from './compensations';
import { publicContext } from '../compiler/joins';
import { compensatesOnEntry } from '../compiler/compensation';
import { own } from '../dsl/json-shape';

const DEFAULT_CONTINUE_AS_NEW_AFTER = 2000;
/** A run also continues as new once its history is this large (Temporal fails a run at 50 MiB). */
const CONTINUE_AS_NEW_HISTORY_BYTES = 4 * 1024 * 1024;

export async function processWorkflow(args: ProcessArgs): Promise<ProcessResult> {
  // While the definition is being resolved the state Query answers `starting` (or `failed` with the
  // reason once resolution failed), and an event Update is refused as CASE_STARTING: no trace, and
  // the caller may send it again. An Update without a handler would fail without a code.
  let startFailure: StateView['failure'];
  setHandler(stateQuery, () => startingView(args, startFailure));
  setHandler(
    eventUpdate,
    (_event: EventInput): EventResult => {
      throw new Error('unreachable: the validator refuses every event while the case starts');
    },
    {
      validator: (_event: EventInput) => {
        throw refusal({
          code: 'CASE_STARTING',
          message: `case ${workflowInfo().workflowId} is still resolving its definition; send the event again in a moment`,
        });
      },
    },
  );
  const resolved = await (async () => resolveCaseDefinition(resolveRequestOf(args)))().catch((err: unknown) => {
    // Cancelled before it had a definition: the case closes cancelled, with no failure to report.
    if (isCancellation(err)) throw err;
    startFailure = { code: (err as ApplicationFailure).type ?? 'DEFINITION_NOT_FOUND', message: (err as Error).message };
    throw err;
  });
  // Signed actors: the worker's rule and keys, recorded with the definition (actor-verification.ts).
  trustActors(resolved.actors);
  // The history length of the workflow task in which the run got its definition (see `historyIsLong`).
  const firstTaskHistory = workflowInfo().historyLength;
  const { resume } = args;
  const def = pinnedDefinition(resolved);
  const now = () => Date.now();
  const input = checkInput(def, args.input);

  const record = new CaseRecord();
  const metrics = new CaseMetrics(def);
  if (resume) record.carry(resume.timeline);
  // The child processes running now, for the state view (workflows/invocations.ts keeps it).
  const runningChildren = new Map<string, ChildView>();
  const invoke = createInvoker(resolved, runningChildren);
  const compensations = new Compensations(resume?.compensations);
  // Cancelling the case cancels this scope; invocations it cut short are not failures of the case.
  const root = CancellationScope.current();
  // XState's delays and the carried deadlines run on this clock, private to the case (see durable-clock.ts).
  const clock = new DurableClock();
  const carriedTimers = new CarriedTimers(clock);
  let failure: string | undefined;
  // The failure type a failed machine ends with (EXPRESSION_FAILED, LOOP_DETECTED, else PROCESS_FAILED).
  let failureCode: CaseFailureCode = 'PROCESS_FAILED';
  const loopGuard = new LoopGuard();
  // An expression that failed at run time, as the compiled machine reported it (XState wraps the error).
  let expressionFailure: CaseError | undefined;
  // Invocations in flight; the case only continues as new when there are none.
  let inflight = 0;

  const hooks: RuntimeHooks = {
    now,
    caseId: workflowInfo().workflowId,
    startInvocation: (request, done, failed) => {
      let settled = false;
      const settle = () => {
        if (!settled) inflight--;
        settled = true;
      };
      // Set when the invoking state is left (the machine cancels the invocation then).
      let left = false;
      inflight++;
      const cancel = invoke(request, {
        done: (output) => {
          settle();
          loopGuard.outsideEvent();
          record.add({ kind: 'invoke', at: iso(), state: request.state, [request.kind]: request.name, status: 'done', output });
          if (request.compensation && !stackCompensation(request.compensation, output)) return;
          done(output);
        },
        failed: (error) => {
          settle();
          if (root.consideredCancelled) return;
          loopGuard.outsideEvent();
          record.add({ kind: 'invoke', at: iso(), state: request.state, [request.kind]: request.name, status: 'failed', error });
          metrics.invocationFailed(request.kind, request.name);
          // A failure that arrives after its state was left (a cancelled invocation that failed
          // instead, or whose failure crossed the cancellation) is recorded, nothing more: the
          // onError that would have taken it left with the state, and the case has moved on (it may
          // have ended with an outcome). Patched: cases recorded before this failed here.
          if (left && patched('docket-failure-after-leaving-is-recorded')) return;
          if (request.hasOnError) failed(error);
          else failure = `${request.kind} ${request.name} failed in state ${request.state} and the state has no onError: ${error}`;
        },
      });
      return () => {
        left = true;
        settle();
        cancel();
      };
    },
    deadlineArmed: (d) => record.arm(d),
    deadlineCleared: (key) => {
      record.clear(key);
      carriedTimers.cancel(key);
    },
    log: (message) => log.info(message, { process: def.process }),
    automaticStep: (step) => loopGuard.step(step),
    caseError: (err) => (expressionFailure ??= err),
  };

  /** Stacks the compensation of an invocation that returned; false (and the case fails) when its input cannot be evaluated. */
  function stackCompensation(compensation: (output: unknown) => ReturnType<Compensations['pending']>[number], output: unknown): boolean {
    try {
      compensations.push(compensation(output));
      return true;
    } catch (err) {
      failure ??= (err as Error)?.message ?? String(err);
      failureCode = caseErrorCode(err) ?? 'EXPRESSION_FAILED';
      return false;
    }
  }

  const machine = compileOrFail(def);
  const binding = caseBinding(input, hooks);
  let previous: string[] = [];
  const actor = createActor(machine, {
    input: binding,
    snapshot: (resume ? bindSnapshot(resume.snapshot as { context?: unknown }, binding) : undefined) as never,
    clock,
    inspect: (ev) => onInspect(ev),
    logger: (...parts: unknown[]) => log.info(parts.map(String).join(' '), { process: def.process }),
  });

  const leaves = () => leafPaths(actor.getSnapshot().value);
  const stateNames = () => leaves().map(displayPath);
  // The context as shown (without the engine's keys), made once per context object: XState makes
  // a new one on every assignment and never changes one in place, and nothing here changes it.
  let shown: { raw?: unknown; context: Record<string, unknown> } = { context: {} };
  const context = () => {
    const raw = actor.getSnapshot().context as Record<string, unknown>;
    if (shown.raw !== raw) shown = { raw, context: publicContext(raw) };
    return shown.context;
  };
  // True while the case undoes what it did (and, cancelled, waits for its children to cancel):
  // the state view says `compensating`, not the status it will end with. So does the answer to
  // the event that entered a final state with `compensate: true`, before they start.
  let compensating = false;
  const status = (): StateView['status'] =>
    compensating || compensationsDue()
      ? 'compensating'
      : failure
        ? 'failed'
        : actor.getSnapshot().status === 'done'
          ? 'completed'
          : actor.getSnapshot().status === 'error'
            ? 'failed'
            : 'running';
  function compensationsDue(): boolean {
    return (
      compensations.pending().length > 0 &&
      actor.getSnapshot().status === 'done' &&
      compensatesOnEntry(own(def.states, leaves()[0]?.[0] ?? ''))
    );
  }
  const outcome = () => (status() === 'completed' ? outcomeOf(def, leaves()[0], actor.getSnapshot().output) : undefined);
  const searchAttributes = new SearchAttributeSync(def, resolved.hash, !resume);

  function onInspect(ev: InspectionEvent): void {
    if (ev.type !== '@xstate.snapshot' || ev.actorRef !== (actor as AnyActorRef)) return;
    const event = ev.event as AnyEventObject & Partial<EventInput>;
    const snapshot = ev.snapshot as unknown as { value: unknown; status: string; context: Record<string, unknown>; output?: unknown };
    const to = leafPaths(snapshot.value).map(displayPath);
    if (event.type === 'xstate.init') {
      record.add(
        resume
          ? { kind: 'continued', at: iso(), run: resume.run, state: to }
          : { kind: 'started', at: iso(), state: to, definition: def.process, hash: resolved.hash },
      );
    } else {
      const deadline = record.deadlineForEvent(event.type);
      if (deadline) metrics.deadline(deadline, 'fired');
      for (const cleared of record.takeCleared()) if (cleared.key !== deadline?.key) metrics.deadline(cleared, 'cleared');
      if (deadline) {
        record.add({
          kind: 'deadline',
          at: iso(),
          name: deadline.name,
          state: deadline.state,
          due: new Date(deadline.dueMs).toISOString(),
          target: deadline.target,
        });
      }
      if (to.join() !== previous.join()) {
        record.add({
          kind: 'transition',
          at: iso(),
          event: deadline ? `after:${deadline.name}` : eventLabel(event.type),
          actor: event.actor,
          from: previous,
          to,
          data: event.data && Object.keys(event.data).length ? event.data : undefined,
        });
      }
    }
    previous = to;
    const outcome = snapshot.status === 'done' ? outcomeOf(def, to[0].split('.'), snapshot.output) : undefined;
    searchAttributes.update(to, { input, context: snapshot.context, now: now(), caseId: hooks.caseId }, outcome);
  }

  const view = (page?: TimelinePage): StateView => ({
    workflowId: workflowInfo().workflowId,
    process: def.process,
    title: def.title,
    definitionHash: resolved.hash,
    definitionVersion: resolved.version,
    status: status(),
    state: stateNames(),
    context: context(),
    allowed: status() === 'running' ? allowedByRole(def, leaves()) : {},
    deadlines: record.pendingDeadlines(),
    ...(runningChildren.size ? { children: [...runningChildren.values()] } : {}),
    ...timelinePage(record.timeline, page),
    outcome: outcome(),
  });

  // What an accepted event returns: stored in the history with every Update, so only what the
  // event changed; the whole timeline and context come from the state Query. Not the case id (the
  // caller has it) nor roles that may send nothing (contract/wire.ts).
  const eventResult = (timelineFrom: number, before: Record<string, unknown>): EventResult => ({
    status: status(),
    state: stateNames(),
    allowed: status() === 'running' ? rolesWithEvents(allowedByRole(def, leaves())) : {},
    deadlines: record.pendingDeadlines(),
    changed: changedKeys(before, context()),
    timeline: record.timeline.slice(timelineFrom),
    timelineFrom,
    outcome: outcome(),
  });

  // Never throws: a throw in the Signal handler would fail the workflow task on every retry.
  const rejection = (event: EventInput): Rejection | undefined => {
    try {
      // An unverified sender learns nothing about the case, not even that it is closed.
      const unverified = actorRefusal(event);
      if (unverified) return unverified;
      return status() !== 'running'
        ? {
            code: 'CASE_CLOSED',
            message: `case ${workflowInfo().workflowId} is ${status()} (state ${stateNames().join(', ')}); it accepts no more events`,
          }
        : (checkEvent(def, leaves(), event, { input, context: context(), now: now(), caseId: hooks.caseId }) ??
            checkDistinctActors(def, event, record.timeline));
    } catch (err) {
      return { code: 'INVALID_EVENT', message: `the event could not be checked: ${String((err as Error)?.message ?? err).slice(0, 200)}` };
    }
  };

  // `data: null` is the same as no data (some SDKs cannot leave a field out).
  const apply = (event: EventInput) => {
    loopGuard.outsideEvent();
    actor.send({ type: event.type, actor: event.actor, data: event.data ?? {} });
  };

  // An error observer keeps XState from rethrowing on a zero-delay timer, which would break replay.
  actor.subscribe({
    error: (err) => {
      if (failure) return;
      const known = loopGuard.tripped ?? expressionFailure;
      failure = known?.message ?? (err as Error)?.message ?? String(err);
      failureCode = caseErrorCode(err) ?? known?.code ?? 'PROCESS_FAILED';
    },
  });
  actor.start();
  if (!resume) metrics.started();
  // A restored XState snapshot does not re-arm its `after` timers (xstate#5331): do it here.
  for (const deadline of resume?.deadlines ?? []) {
    record.arm(deadline);
    carriedTimers.arm(deadline, (eventType) => actor.send({ type: eventType }), now());
  }

  // Handlers come after start: a signal buffered before the workflow ran is delivered the moment
  // its handler is set, and XState drops events sent to an actor that has not started.
  setHandler(stateQuery, view);
  setHandler(
    eventUpdate,
    (event) => {
      const timelineFrom = record.timeline.length;
      const before = context();
      metrics.event(event.type, 'update', 'accepted');
      apply(event);
      return eventResult(timelineFrom, before);
    },
    {
      validator: (event) => {
        const reason = rejection(event);
        if (!reason) return;
        metrics.event(event?.type, 'update', 'rejected', reason.code);
        throw refusal(reason);
      },
    },
  );
  setHandler(eventSignal, (event) => {
    const reason = rejection(event);
    if (reason) {
      // Only bounded parts of a refused event are kept: it may be huge, deep or malformed.
      const entry = rejectedEntry(event, reason);
      record.add({ kind: 'rejected', at: iso(), ...entry });
      log.warn('rejected signalled event', { event: entry.event, code: reason.code, reason: reason.message });
      metrics.event(event?.type, 'signal', 'rejected', reason.code);
      return;
    }
    metrics.event(event.type, 'signal', 'accepted');
    apply(event);
  });

  const limit = args.continueAsNewAfter ?? DEFAULT_CONTINUE_AS_NEW_AFTER;
  // Never in the workflow task in which the run got its definition and started its machine (the
  // history length changes with each activation). A run that began over the limit (a small
  // `continueAsNewAfter` from the caller, or a first task that arms many deadlines) would otherwise
  // continue as new at once, and its next run too, for ever: continueAsNewAfter 1 made 26 runs in
  // 15 s. A later task means something happened: an event, a result, a timer.
  const historyIsLong = () =>
    workflowInfo().historyLength > firstTaskHistory &&
    (workflowInfo().continueAsNewSuggested ||
      workflowInfo().historyLength >= limit ||
      workflowInfo().historySize >= CONTINUE_AS_NEW_HISTORY_BYTES);
  // A run continues as new only at a moment with no invocation in flight and no handler running,
  // and that is checked again after the await, right before the snapshot is taken: between a
  // condition's test and the code after its await, callbacks queued earlier in the same activation
  // still run. A timer's firing reaches XState a few promise callbacks after the SDK resolved its
  // sleep (workflows/durable-clock.ts), so the test could pass in `waiting` and the snapshot be
  // taken in `counting`, its invocation just started; the next run restored that child without
  // its binding and the case stayed in the state for good (compiler/compile.ts, `invocation`).
  const mayContinueAsNew = () => historyIsLong() && inflight === 0 && allHandlersFinished();
  try {
    do {
      await condition(() => status() !== 'running' || mayContinueAsNew());
    } while (status() === 'running' && !mayContinueAsNew());
  } catch (err) {
    // The case was cancelled: undo what its invocations did (nothing to do when none had an
    // effect to undo, so cases without compensations end exactly as before), then end cancelled.
    if (isCancellation(err)) await compensate(true);
    throw err;
  }
  // A finished case still answers the Updates being handled before it closes.
  if (status() !== 'running') await condition(allHandlersFinished);
  if (status() === 'running') {
    log.info('continuing as new', { historyLength: workflowInfo().historyLength, run: (resume?.run ?? 1) + 1 });
    await continueAsNew<typeof processWorkflow>({
      process: def.process,
      // The next run resolves the same version by hash (and the same children): pinned for good.
      version: resolved.source === 'registry' ? resolved.hash : undefined,
      definition: resolved.source === 'inline' ? def : undefined,
      input: args.input,
      continueAsNewAfter: args.continueAsNewAfter,
      // With the full hash, the children named let the next run's definition step answer from memory.
      ...(resolved.source === 'registry' ? { children: resolved.children } : {}),
      resume: {
        snapshot: actor.getPersistedSnapshot(),
        deadlines: record.pendingArmed(),
        timeline: carriedTimeline(record.timeline, def),
        run: (resume?.run ?? 1) + 1,
        children: resolved.children,
        ...(compensations.pending().length ? { compensations: compensations.pending() } : {}),
      },
    });
  }
  const failed = failure !== undefined || actor.getSnapshot().status === 'error';
  if (failed || compensatesOnEntry(own(def.states, leaves()[0]?.[0] ?? ''))) await compensate();
  if (failed) {
    metrics.finished('failed', failureCode);
    throw ApplicationFailure.nonRetryable(
      `process ${def.process} failed: ${failure ?? 'the state machine stopped with an error'}`,
      failureCode,
    );
  }
  await childrenCancelled();
  const finalOutcome = outcome()!;
  metrics.finished('completed', finalOutcome);
  record.add({ kind: 'completed', at: iso(), outcome: finalOutcome, state: stateNames() });
  actor.stop();
  // No timeline here: the history holds what it is made of, and the audit rebuilds it (see ProcessResult).
  return {
    outcome: finalOutcome,
    state: stateNames(),
    context: context(),
    ...(Object.keys(caseOutput()).length ? { output: caseOutput() } : {}),
    definitionHash: resolved.hash,
    timelineTotal: record.timeline.length,
  };

  /** The final state's `output` (compiler/outcome.ts). */
  function caseOutput(): Record<string, unknown> {
    return ((actor.getSnapshot().output as { output?: Record<string, unknown> } | undefined)?.output ?? {}) as Record<string, unknown>;
  }

  /**
   * Runs the stacked compensations (workflows/compensations.ts), then waits for cancelled children.
   * A case cancelled from outside (`cancelled`) first waits for its running children to finish
   * their own cancellation (its cancellation reached their scopes), so theirs run before its own.
   */
  async function compensate(cancelled = false): Promise<void> {
    const waitsForChildren = cancelled && invoke.inFlight.size > 0 && patched('docket-cancel-waits-running-children');
    compensating = waitsForChildren || compensations.pending().length > 0;
    try {
      if (waitsForChildren) await CancellationScope.nonCancellable(() => Promise.all([...invoke.inFlight]));
      if (compensations.pending().length) await compensations.runAll(invoke, (entry) => record.add(entry), iso);
    } finally {
      compensating = false;
    }
    await childrenCancelled();
  }

  /**
   * Children asked to cancel (their state was left) finish cancelling before the case ends, so
   * they are cancelled, not terminated by the parent-close policy. Patched: cases recorded
   * before this ended without waiting.
   */
  async function childrenCancelled(): Promise<void> {
    if (invoke.cancelling.size && patched('docket-wait-cancelled-children')) {
      await CancellationScope.nonCancellable(() => Promise.all([...invoke.cancelling]));
    }
  }
}

/** The case's input with the schema's defaults applied; a mismatch fails the case as INVALID_INPUT. */
function checkInput(def: ProcessDefinition, raw: Record<string, unknown> | undefined): Record<string, unknown> {
  const input = JSON.parse(JSON.stringify(raw ?? {})) as Record<string, unknown>; // no structuredClone in the sandbox
  if (!def.input) return input;
  const validate = schemaValidator('input', def.input);
  if (validate(input)) return input;
  const problems = (validate.errors ?? []).map((e) => `input${e.instancePath.replace(/\//g, '.')}: ${e.message}`);
  failCase('INVALID_INPUT', `input does not match the input schema of process ${def.process}: ${problems.join('; ')}`);
}

/**
 * The definition's compiled machine, shared with the worker's other cases of it (compiler/compile.ts,
 * `machineFor`); a definition the compiler cannot handle fails the case instead of the task.
 */
function compileOrFail(def: ProcessDefinition): AnyStateMachine {
  try {
    return machineFor(def);
  } catch (err) {
    failCase('INVALID_DEFINITION', `process ${def.process} cannot be compiled: ${(err as Error)?.message ?? String(err)}`);
  }
}

/** The state view while the definition is being resolved (the first moments of a case), or after that failed. */
function startingView(args: ProcessArgs, failure?: StateView['failure']): StateView {
  return {
    workflowId: workflowInfo().workflowId,
    process: typeof args?.process === 'string' ? args.process : '',
    title: '',
    definitionHash: '',
    status: failure ? 'failed' : 'starting',
    state: [],
    context: {},
    allowed: {},
    deadlines: [],
    timeline: [],
    ...(failure ? { failure } : {}),
  };
}

export type { ResolvedDefinition };

/** The page of the timeline a state Query asked for (default: the last DEFAULT_TIMELINE_LIMIT entries). */
function timelinePage(
  timeline: StateView['timeline'],
  page: TimelinePage | undefined,
): Pick<StateView, 'timeline' | 'timelineFrom' | 'timelineTotal'> {
  const total = timeline.length;
  const limit = Number.isInteger(page?.timelineLimit) && page!.timelineLimit! >= 0 ? page!.timelineLimit! : DEFAULT_TIMELINE_LIMIT;
  const from = Number.isInteger(page?.timelineFrom) ? Math.min(Math.max(0, page!.timelineFrom!), total) : Math.max(0, total - limit);
  return { timeline: timeline.slice(from, from + limit), timelineFrom: from, timelineTotal: total };
}

/** The roles that may send at least one event. */
function rolesWithEvents(allowed: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(allowed).filter(([, events]) => events.length > 0));
}

/** Context keys whose value an event changed (compared as JSON); a removed key is `null`. */
function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  if (before === after) return {};
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed[key] = after[key];
  }
  for (const key of Object.keys(before)) if (!Object.prototype.hasOwnProperty.call(after, key)) changed[key] = null;
  return changed;
}

/** What the timeline keeps of a refused Signal: the type and actor cut to size, never the data. */
function rejectedEntry(
  event: EventInput,
  reason: Rejection,
): { event: string; actor?: EventInput['actor']; code: Rejection['code']; reason: string } {
  const e = event as Partial<EventInput> | null | undefined;
  const type = typeof e?.type === 'string' ? e.type : String(typeof e === 'object' && e ? e.type : e);
  const a = e && typeof e === 'object' ? e.actor : undefined;
  const actor =
    a && typeof a === 'object' && typeof a.id === 'string' && Array.isArray(a.roles)
      ? { id: a.id.slice(0, 200), roles: a.roles.slice(0, 50).map((r) => String(r).slice(0, 200)) }
      : undefined;
  return { event: type.slice(0, 200), ...(actor ? { actor } : {}), code: reason.code, reason: reason.message.slice(0, 1000) };
}

function eventLabel(type: string): string {
  if (type.startsWith('docket.invoke.done.')) return 'invoke.done';
  if (type.startsWith('docket.invoke.error.')) return 'invoke.error';
  return type;
}

const iso = () => new Date().toISOString();
