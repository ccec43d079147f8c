/**
 * One case run offline, in milliseconds: the compiled machine (compiler/compile.ts, the same
 * compiler the `process` workflow uses), the same event gate (checkEvent, distinct actors), the
 * same loop guard and the same input check, on a virtual clock. Nothing runs an activity or a
 * child process: each invocation waits for the scenario to say what it returned or that it
 * failed (or settles at once from the scenario's defaults). Deadlines fire when the clock is
 * advanced past their due time, earliest first. Pure: no I/O, no real time.
 *
 * What differs from a real server is only what a definition cannot see: Temporal's retries and
 * timeouts of activities, signed actors. `docket test --server` runs the same scenarios against a
 * real server for those. Continue-as-new is here (`continueAsNew`, `docket test --continue-as-new`):
 * the snapshot through JSON and the deadlines carried, as the workflow does.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { createActor, type AnyActorRef, type AnyEventObject, type InspectionEvent } from 'xstate';
import {
  bindSnapshot,
  caseBinding,
  machineFor,
  outcomeOf,
  type ArmedDeadline,
  type InvokeRequest,
  type RuntimeHooks,
} from '../compiler/compile';
import { CompensationStack, compensatesAtEnd, type CompensationRequest } from '../compiler/compensation';
import { publicContext } from '../compiler/joins';
import { caseErrorCode, type CaseError } from '../compiler/case-error';
import { checkDistinctActors } from '../compiler/distinct-actors';
import { allowedByRole, checkEvent } from '../compiler/event-gate';
import { displayPath, leafPaths } from '../compiler/state-paths';
import type { EventInput, PendingDeadline, Rejection, TimelineEntry } from '../contract/wire';
import type { ProcessDefinition } from '../dsl/types';
import { carriedTimeline } from '../workflows/carried-timeline';
import { CarriedTimers } from '../workflows/carried-timers';
import type { CaseClock } from '../workflows/durable-clock';
import { LoopGuard } from '../workflows/loop-guard';

/** An invocation the machine started: pending until the scenario settles it. */
export interface SimulatedInvocation {
  seq: number;
  state: string;
  kind: 'activity' | 'process';
  name: string;
  input: Record<string, unknown>;
  startedAt: number;
  status: 'pending' | 'done' | 'failed' | 'cancelled';
  output?: unknown;
  error?: string;
  /** Set on a compensation: the invocation whose effect it undoes. */
  compensates?: string;
}

/** What an invocation gives when the machine starts it (the scenario's `invocations:` defaults). */
export type InvocationAnswer = { returns: unknown } | { fails: string } | { pending: true };

export interface SimulatorOptions {
  /** The case id (`caseId` in expressions). Default `test-case`. */
  caseId?: string;
  /** Virtual start time, ms since the epoch. Default 2026-01-05T09:00:00Z (a Monday). */
  startMs?: number;
  /** By invocation name (activity or child process): the answer when it starts. Default: pending. */
  answers?: Record<string, InvocationAnswer>;
}

export const DEFAULT_START_MS = Date.UTC(2026, 0, 5, 9);
/** The case id of every offline scenario (`caseId` in expressions); a server run reads its real id as this. */
export const OFFLINE_CASE_ID = 'test-case';
/** Invocations the scenario's defaults may answer within one step before it counts as a loop. */
export const MAX_ANSWERS_IN_A_ROW = 1000;

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, validateSchema: false });
addFormats(ajv);

export class CaseSimulator {
  now: number;
  readonly caseId: string;
  readonly invocations: SimulatedInvocation[] = [];
  readonly timeline: TimelineEntry[] = [];
  failure?: { code: string; message: string };
  /** Events the gate could not check (the workflow refuses them as INVALID_EVENT): a definition fault. */
  readonly gateErrors: string[] = [];
  private readonly answers: Record<string, InvocationAnswer>;
  private readonly pending = new Map<string, ArmedDeadline>();
  private readonly armed = new Map<string, ArmedDeadline>();
  private readonly settlers = new Map<number, { done(output: unknown): void; failed(error: string): void; hasOnError: boolean }>();
  private readonly timers = new Map<number, { due: number; fn: () => void }>();
  private readonly queue: Array<() => void> = [];
  private readonly loopGuard = new LoopGuard();
  /** Compensations of invocations that returned, oldest first (compiler/compensation.ts). */
  private compensations = new CompensationStack();
  private compensated = false;
  /** By invocation sequence number: what makes its compensation once it returns. */
  private readonly undoers = new Map<number, (output: unknown) => CompensationRequest>();
  private expressionFailure?: CaseError;
  private timerSeq = 0;
  private previous: string[] = [];
  private actor!: AnyActorRef;
  readonly input: Record<string, unknown>;

  constructor(
    readonly def: ProcessDefinition,
    rawInput: Record<string, unknown>,
    options: SimulatorOptions = {},
  ) {
    this.now = options.startMs ?? DEFAULT_START_MS;
    this.caseId = options.caseId ?? OFFLINE_CASE_ID;
    this.answers = options.answers ?? {};
    this.input = JSON.parse(JSON.stringify(rawInput ?? {})) as Record<string, unknown>;
    if (def.input) {
      const validate = ajv.compile(def.input);
      if (!validate(this.input)) {
        const problems = (validate.errors ?? []).map((e) => `input${e.instancePath.replace(/\//g, '.')}: ${e.message}`);
        this.failure = {
          code: 'INVALID_INPUT',
          message: `input does not match the input schema of process ${def.process}: ${problems.join('; ')}`,
        };
        return;
      }
    }
    this.createCaseActor();
  }

  /** XState's delays and the carried deadlines run on the virtual clock. */
  private readonly clock: CaseClock = {
    setTimeout: (fn: (...args: unknown[]) => void, ms: number) => {
      this.timers.set(++this.timerSeq, { due: this.now + ms, fn });
      return this.timerSeq;
    },
    clearTimeout: (id: unknown) => void this.timers.delete(id as number),
  };
  private readonly carried = new CarriedTimers(this.clock);
  /** The run of the case: 1, then one more at each `continueAsNew`. */
  private run = 1;

  /** A new actor for the case: at the start, or restoring a continue-as-new snapshot. */
  private createCaseActor(snapshot?: { context?: unknown }): void {
    // The case's hooks, as the workflow gives them (workflows/process-workflow.ts).
    const hooks: RuntimeHooks = {
      now: () => this.now,
      caseId: this.caseId,
      startInvocation: (request, done, failed) => this.startInvocation(request, done, failed),
      deadlineArmed: (d) => {
        this.pending.set(d.key, d);
        this.armed.set(d.key, d);
      },
      deadlineCleared: (key) => {
        this.pending.delete(key);
        this.carried.cancel(key);
      },
      log: () => undefined,
      automaticStep: (step) => this.loopGuard.step(step),
      caseError: (err) => (this.expressionFailure ??= err),
    };
    const binding = caseBinding(this.input, hooks);
    try {
      this.actor = createActor(machineFor(this.def), {
        input: binding,
        ...(snapshot ? { snapshot: bindSnapshot(snapshot, binding) as never } : {}),
        clock: this.clock,
        inspect: (ev) => this.onInspect(ev),
        logger: () => undefined,
      });
      this.actor.subscribe({ error: (err) => this.fail(err) });
      this.actor.start();
    } catch (err) {
      this.fail(err);
    }
    this.drain();
    this.advance(0);
  }

  /**
   * Continues the case as new, as the workflow does when its history grows long
   * (workflows/process-workflow.ts): only while no invocation is in flight (false, and nothing
   * done, otherwise or when the case has ended). The persisted snapshot goes through JSON, as in
   * the next run's start event, with the compensations not yet run; a new actor restores it, and
   * each pending deadline gets a timer for what remains of it (XState does not re-arm a restored
   * snapshot's `after` timers).
   */
  continueAsNew(): boolean {
    if (this.status !== 'running' || this.invocations.some((i) => i.status === 'pending')) return false;
    const snapshot = JSON.parse(JSON.stringify(this.actor.getPersistedSnapshot())) as { context?: unknown };
    const deadlines = [...this.pending.values()];
    this.actor.stop();
    // The run's timers end with it; only the carried deadlines are armed again.
    this.timers.clear();
    this.pending.clear();
    this.run++;
    // The compensations not yet run travel in the next run's input, as JSON.
    this.compensations = new CompensationStack(JSON.parse(JSON.stringify(this.compensations.pending())) as CompensationRequest[]);
    // The next run sees only what the workflow carries of the timeline (the distinct-actor rule reads it).
    this.timeline.splice(0, this.timeline.length, ...carriedTimeline(this.timeline, this.def));
    for (const deadline of deadlines) {
      this.pending.set(deadline.key, deadline);
      this.armed.set(deadline.key, deadline);
      this.carried.arm(deadline, (type) => this.actor.send({ type }), this.now);
    }
    this.createCaseActor(snapshot);
    return true;
  }

  /** `running`, `completed` or `failed`, as the state view says. */
  get status(): 'running' | 'completed' | 'failed' {
    if (this.failure) return 'failed';
    const s = this.actor?.getSnapshot().status;
    return s === 'done' ? 'completed' : s === 'error' ? 'failed' : 'running';
  }

  get state(): string[] {
    return this.actor ? leafPaths(this.actor.getSnapshot().value).map(displayPath) : [];
  }

  get context(): Record<string, unknown> {
    return publicContext((this.actor?.getSnapshot().context ?? {}) as Record<string, unknown>);
  }

  get outcome(): string | undefined {
    return this.status === 'completed' ? outcomeOf(this.def, this.state[0].split('.'), this.actor.getSnapshot().output) : undefined;
  }

  get allowed(): Record<string, string[]> {
    return this.status === 'running' ? allowedByRole(this.def, leafPaths(this.actor.getSnapshot().value)) : {};
  }

  get deadlines(): PendingDeadline[] {
    return [...this.pending.values()]
      .sort((a, b) => a.dueMs - b.dueMs)
      .map((d) => ({ name: d.name, state: d.state, due: new Date(d.dueMs).toISOString(), target: d.target }));
  }

  /** Sends an event through the workflow's gate: the rejection, or undefined when it was applied. */
  send(event: EventInput): Rejection | undefined {
    let rejection: Rejection | undefined;
    try {
      rejection =
        this.status !== 'running'
          ? {
              code: 'CASE_CLOSED',
              message: `case ${this.caseId} is ${this.status} (state ${this.state.join(', ')}); it accepts no more events`,
            }
          : (checkEvent(this.def, leafPaths(this.actor.getSnapshot().value), event, {
              input: this.input,
              context: this.context,
              now: this.now,
              caseId: this.caseId,
            }) ?? checkDistinctActors(this.def, event, this.timeline));
    } catch (err) {
      // As the workflow answers it: the gate itself failed (a guard that cannot be evaluated).
      const message = `the event could not be checked: ${String((err as Error)?.message ?? err).slice(0, 200)}`;
      this.gateErrors.push(message);
      rejection = { code: 'INVALID_EVENT', message };
    }
    if (rejection) return rejection;
    this.loopGuard.outsideEvent();
    this.actor.send({ type: event.type, actor: event.actor, data: event.data ?? {} });
    this.drain();
    this.advance(0);
    this.compensateWhenEnded();
    return undefined;
  }

  /** The oldest pending invocation with this name (activity or child process). */
  pendingInvocation(name: string): SimulatedInvocation | undefined {
    return this.invocations.find((i) => i.name === name && i.status === 'pending');
  }

  /** Settles a pending invocation: it returned `output`, or failed with `error`. */
  settle(invocation: SimulatedInvocation, answer: { returns: unknown } | { fails: string }): void {
    const settler = this.settlers.get(invocation.seq);
    if (!settler || invocation.status !== 'pending') throw new Error(`invocation ${invocation.name} is ${invocation.status}`);
    this.settlers.delete(invocation.seq);
    this.loopGuard.outsideEvent();
    if ('returns' in answer) {
      invocation.status = 'done';
      invocation.output = answer.returns;
      this.record({
        kind: 'invoke',
        at: this.iso(),
        state: invocation.state,
        [invocation.kind]: invocation.name,
        status: 'done',
        output: answer.returns,
      } as TimelineEntry);
      const undo = this.undoers.get(invocation.seq);
      if (undo) this.stackCompensation(undo, answer.returns);
      settler.done(answer.returns);
    } else {
      invocation.status = 'failed';
      invocation.error = answer.fails;
      this.record({
        kind: 'invoke',
        at: this.iso(),
        state: invocation.state,
        [invocation.kind]: invocation.name,
        status: 'failed',
        error: answer.fails,
      } as TimelineEntry);
      if (settler.hasOnError) settler.failed(answer.fails);
      else
        this.failure ??= {
          code: 'PROCESS_FAILED',
          message: `${invocation.kind} ${invocation.name} failed in state ${invocation.state} and the state has no onError: ${answer.fails}`,
        };
    }
    this.drain();
    this.advance(0);
    this.compensateWhenEnded();
  }

  /**
   * Moves the clock forward by `ms`, firing every timer due on the way, earliest first, each at its
   * due time. Every step ends with `advance(0)`: a timer already due (a zero delay) fires at once,
   * as it does on a server.
   */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      let next: [number, { due: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].due <= until && (!next || entry[1].due < next[1].due)) next = entry;
      if (!next || this.status !== 'running') break;
      this.timers.delete(next[0]);
      this.now = Math.max(this.now, next[1].due);
      next[1].fn();
      this.drain();
    }
    this.now = until;
    this.compensateWhenEnded();
  }

  /**
   * As the workflow does (workflows/compensations.ts): once the case failed, or completed in a
   * final state with `compensate: true`, the stacked compensations start, newest first, each
   * answered by the scenario's defaults (or left pending). Each is an invocation with
   * `compensates` set, so `invoked:` expectations see it.
   */
  private compensateWhenEnded(): void {
    const status = this.status;
    if (this.compensated || status === 'running') return;
    if (!compensatesAtEnd(this.def, status, this.state[0]?.split('.')[0] ?? '')) return;
    this.compensated = true;
    for (let c = this.compensations.next(); c; c = this.compensations.next()) {
      const answer = this.answers[c.name];
      const invocation: SimulatedInvocation = {
        seq: this.invocations.length + 1,
        state: c.state,
        kind: c.kind,
        name: c.name,
        input: c.input,
        startedAt: this.now,
        status: 'pending',
        compensates: c.compensates,
      };
      this.invocations.push(invocation);
      if (!answer || 'pending' in answer) continue;
      invocation.status = 'returns' in answer ? 'done' : 'failed';
      if ('returns' in answer) invocation.output = answer.returns;
      else invocation.error = answer.fails;
      this.record({
        kind: 'invoke',
        at: this.iso(),
        state: c.state,
        [c.kind]: c.name,
        status: invocation.status,
        ...('returns' in answer ? { output: answer.returns } : { error: answer.fails }),
        compensates: c.compensates,
      } as TimelineEntry);
    }
  }

  private stackCompensation(undo: (output: unknown) => CompensationRequest, output: unknown): void {
    try {
      this.compensations.push(undo(output));
    } catch (err) {
      this.fail(err);
    }
  }

  stop(): void {
    this.actor?.stop();
  }

  private startInvocation(request: InvokeRequest, done: (output: unknown) => void, failed: (error: string) => void): () => void {
    const invocation: SimulatedInvocation = {
      seq: this.invocations.length + 1,
      state: request.state,
      kind: request.kind,
      name: request.name,
      input: request.input,
      startedAt: this.now,
      status: 'pending',
    };
    this.invocations.push(invocation);
    this.settlers.set(invocation.seq, { done, failed, hasOnError: request.hasOnError });
    if (request.compensation) this.undoers.set(invocation.seq, request.compensation);
    // As in the workflow, a result arrives after the activation that started the invocation.
    const answer = this.answers[request.name];
    if (answer && !('pending' in answer)) this.queue.push(() => invocation.status === 'pending' && this.settle(invocation, answer));
    return () => {
      if (invocation.status === 'pending') invocation.status = 'cancelled';
      this.settlers.delete(invocation.seq);
    };
  }

  /**
   * Runs queued invocation results until none is left (or the case ended). Answers given at once
   * can feed a cycle (an invocation whose result leads back to it); past MAX_ANSWERS_IN_A_ROW the
   * case fails as a loop instead of hanging `docket test`.
   */
  private drain(): void {
    let answered = 0;
    while (this.queue.length && this.status === 'running') {
      if (++answered > MAX_ANSWERS_IN_A_ROW) {
        const names = [...new Set(this.invocations.slice(-10).map((i) => `${i.name} in ${i.state}`))].join(', ');
        this.failure = {
          code: 'LOOP_DETECTED',
          message: `more than ${MAX_ANSWERS_IN_A_ROW} invocations answered in a row without a step of the scenario (${names}): give one of them pending: true and complete it in a step`,
        };
        return;
      }
      this.queue.shift()!();
    }
  }

  private fail(err: unknown): void {
    if (this.failure) return;
    const known = this.loopGuard.tripped ?? this.expressionFailure;
    this.failure = {
      code: caseErrorCode(err) ?? known?.code ?? 'PROCESS_FAILED',
      message: known?.message ?? (err as Error)?.message ?? String(err),
    };
  }

  private onInspect(ev: InspectionEvent): void {
    if (ev.type !== '@xstate.snapshot' || ev.actorRef !== this.actor) return;
    const event = ev.event as AnyEventObject & Partial<EventInput>;
    const to = leafPaths((ev.snapshot as unknown as { value: unknown }).value).map(displayPath);
    if (event.type === 'xstate.init') {
      this.record(
        this.run > 1
          ? { kind: 'continued', at: this.iso(), run: this.run, state: to }
          : ({ kind: 'started', at: this.iso(), state: to, definition: this.def.process, hash: '' } as TimelineEntry),
      );
    } else {
      const deadline = this.deadlineFor(event.type);
      if (deadline)
        this.record({
          kind: 'deadline',
          at: this.iso(),
          name: deadline.name,
          state: deadline.state,
          due: new Date(deadline.dueMs).toISOString(),
          target: deadline.target,
        } as TimelineEntry);
      if (to.join() !== this.previous.join()) {
        const label = deadline
          ? `after:${deadline.name}`
          : event.type.startsWith('docket.invoke.done.')
            ? 'invoke.done'
            : event.type.startsWith('docket.invoke.error.')
              ? 'invoke.error'
              : event.type;
        this.record({
          kind: 'transition',
          at: this.iso(),
          event: label,
          actor: event.actor,
          from: this.previous,
          to,
          data: event.data && Object.keys(event.data).length ? event.data : undefined,
        } as TimelineEntry);
      }
    }
    this.previous = to;
  }

  private deadlineFor(eventType: string): ArmedDeadline | undefined {
    if (!eventType.startsWith('xstate.after.')) return undefined;
    const rest = eventType.slice('xstate.after.'.length);
    return this.armed.get(rest.slice(0, rest.lastIndexOf('.')));
  }

  private record(entry: TimelineEntry): void {
    this.timeline.push(entry);
  }

  private iso(): string {
    return new Date(this.now).toISOString();
  }
}
