/**
 * Compiles a validated definition into an XState v5 machine.
 *
 * Pure: no I/O and no clock. Everything with an effect (invoking an activity or a child process,
 * arming a deadline, logging) goes through `RuntimeHooks`, which the workflow implements with
 * Temporal primitives and tests implement with plain functions.
 */
import { assign, fromCallback, setup, type AnyEventObject, type AnyStateMachine } from 'xstate';
import { evaluateBoolean } from '../dsl/cel';
import { parseDuration } from '../dsl/duration';
import { resolveTarget } from '../dsl/state-tree';
import type { Action, DelaySpec, ProcessDefinition, RetrySpec, StateSpec, TransitionSpec } from '../dsl/types';
import { inState as inStateOf, type CaseError } from './case-error';
import { compensationFor, type CompensationRequest } from './compensation';
import { celEvent, evaluateIn, evaluateMapIn, variablesFor } from './expressions';
import { clearRegionOutputs, joinEvent, keepRegionOutput } from './joins';
import { CASE_BINDING } from './case-binding';
import { finalOutput } from './outcome';
import { displayPath, nodeId, transitionList, type StatePath } from './state-paths';
import { timerDelayMs } from './timer-due';

/** An invocation the runtime must start: an activity or a child process. */
export interface InvokeRequest {
  /** Dotted path of the invoking state. */
  state: string;
  kind: 'activity' | 'process';
  name: string;
  input: Record<string, unknown>;
  timeoutMs?: number;
  retry?: RetrySpec;
  /** False when the state has no onError: a failure then fails the case. */
  hasOnError: boolean;
  /** With `invoke.compensate`: what undoes this invocation, given what it returned. */
  compensation?: (output: unknown) => CompensationRequest;
}

/** A pending `after` deadline, reported when its state is entered. */
export interface ArmedDeadline {
  key: string;
  name: string;
  state: string;
  dueMs: number;
  target?: string;
}

export interface RuntimeHooks {
  now(): number;
  /** The case's id (workflow id), exposed to expressions as `caseId`. */
  caseId: string;
  /** Starts an invocation; returns a function that cancels it (called when the state is left). */
  startInvocation(request: InvokeRequest, done: (output: unknown) => void, failed: (error: string) => void): () => void;
  deadlineArmed(deadline: ArmedDeadline): void;
  deadlineCleared(key: string): void;
  log(message: string): void;
  /**
   * Called when an `always` transition or an `after` transition is taken, before it runs, with
   * the delay that timer had. The runtime counts such steps since the last outside event and
   * throws (a `CaseError` LOOP_DETECTED) when a definition runs away; see workflows/loop-guard.ts.
   */
  automaticStep?(step: { kind: 'always' | 'after'; state: string; delayMs?: number }): void;
  /** Hears of an expression that failed at run time (EXPRESSION_FAILED) before XState wraps the error. */
  caseError?(err: CaseError): void;
}

/** An invocation request as the machine hands it to its invocation actor: with the case it belongs to. */
type BoundInvokeRequest = InvokeRequest & { [CASE_BINDING]: CaseBinding };

/** Event types the runtime sends back when an invocation of the state at `path` ends. */
export const invokeDoneEvent = (path: StatePath) => `docket.invoke.done.${nodeId(path)}`;
export const invokeErrorEvent = (path: StatePath) => `docket.invoke.error.${nodeId(path)}`;
/** The key of the i-th `after` entry of a state (also its XState delay name). */
export const deadlineKey = (path: StatePath, index: number) => `${nodeId(path)}#${index}`;

type Ctx = Record<string, unknown>;
type Args = { context: Ctx; event: AnyEventObject };

/**
 * What one case brings to a compiled machine: its input, its runtime hooks and the last delay of
 * each of its deadlines. The machine's code finds it in the case's XState context under
 * `CASE_BINDING` (compiler/case-binding.ts), so one machine serves every case of a definition
 * (`machineFor`). It is neither persisted (continue-as-new), nor sent, nor seen by CEL.
 */
export interface CaseBinding {
  input: Record<string, unknown>;
  hooks: RuntimeHooks;
  /** The last delay computed for each deadline key, so its firing knows how long it waited. */
  lastDelay: Map<string, number>;
}

/** The actor input that binds a machine from `machineFor` to one case. */
export function caseBinding(input: Record<string, unknown>, hooks: RuntimeHooks): CaseBinding {
  return { input, hooks, lastDelay: new Map() };
}

/**
 * Binds a persisted snapshot (continue-as-new) to the case before `createActor` restores it: the
 * binding is not persisted, and a restored snapshot does not run the context factory.
 */
export function bindSnapshot<T extends { context?: unknown }>(snapshot: T, binding: CaseBinding): T {
  if (snapshot?.context && typeof snapshot.context === 'object') (snapshot.context as Ctx)[CASE_BINDING as never] = binding;
  return snapshot;
}

const bindingOf = (context: Ctx): CaseBinding => (context as Record<symbol, CaseBinding>)[CASE_BINDING];

/** Machines compiled per definition object. Pinned definitions are cached and frozen (workflows/definition-cache.ts), so every case of a version gets the same one. */
const machines = new WeakMap<ProcessDefinition, AnyStateMachine>();

/**
 * The compiled machine of `def`, shared by every case of it: create each case's actor with
 * `{ input: caseBinding(input, hooks) }` (and a restored snapshot through `bindSnapshot`).
 *
 * Why shared: compiling the definition and building XState's state-node tree cost every case
 * about 2 ms of the worker's one workflow thread (a replay profile: compileDefinition 0.9 ms,
 * createMachine with createActor 1.2 ms; docs/performance.md). Safe: the machine holds no case's
 * state; everything a case owns is in its actor and its binding.
 */
export function machineFor(def: ProcessDefinition): AnyStateMachine {
  let machine = machines.get(def);
  if (!machine) {
    machine = buildMachine(def);
    machines.set(def, machine);
  }
  return machine;
}

/** Compiles `def` for one case. `input` is the case's start payload (validated by the caller). */
export function compileDefinition(def: ProcessDefinition, input: Record<string, unknown>, hooks: RuntimeHooks): AnyStateMachine {
  return buildMachine(def, caseBinding(input, hooks));
}

/** `bound`: the case's binding fixed in the machine (compileDefinition); without, the actor's input (machineFor). */
function buildMachine(def: ProcessDefinition, bound?: CaseBinding): AnyStateMachine {
  const delays: Record<string, (args: Args) => number> = {};
  const inState = <T>(args: Pick<Args, 'context'>, state: string, what: string, fn: () => T): T =>
    inStateOf(state, what, fn, bindingOf(args.context).hooks.caseError);
  const scope = ({ context, event }: Args) => {
    const { input, hooks } = bindingOf(context);
    return { input, context, event, now: hooks.now(), caseId: hooks.caseId };
  };

  const transitions = (
    source: StatePath,
    spec: string | TransitionSpec | TransitionSpec[] | undefined,
    what: string,
    automatic?: 'always',
    eventOf?: (args: Args) => AnyEventObject,
  ) => transitionList<TransitionSpec>(spec).map((t) => compileTransition(source, t, what, automatic, eventOf));

  /**
   * `automatic`: an `always` transition, or the key of the `after` deadline it belongs to.
   * `eventOf`: the event its guard and assignments see instead of XState's (a join's region outputs).
   */
  const compileTransition = (
    source: StatePath,
    t: TransitionSpec,
    what: string,
    automatic?: 'always' | { after: string },
    eventOf?: (args: Args) => AnyEventObject,
  ) => {
    // Process-wide transitions (`on` at the top level) have the root as their source.
    const state = displayPath(source) || 'the process';
    const seen = (args: Args): Args => (eventOf ? { context: args.context, event: eventOf(args) } : args);
    const out: Record<string, unknown> = {};
    if (t.target !== undefined) {
      const targetPath = resolveTarget(source, t.target, def.states);
      if (!targetPath) throw new Error(`${displayPath(source)}: unknown target "${t.target}" (validate the definition first)`);
      out.target = `#${nodeId(targetPath)}`;
      // An explicit target re-enters the state, restarting its deadlines and invocations.
      out.reenter = true;
    }
    const guardExpr = t.if;
    const roles = t.by;
    const guard =
      guardExpr !== undefined || roles !== undefined
        ? (args: Args) => {
            if (roles && !celEvent(args.event).actor.roles.some((r) => roles.includes(r))) return false;
            if (guardExpr === undefined) return true;
            return inState(args, state, `the condition of ${what}`, () =>
              evaluateBoolean(guardExpr, variablesFor(def, guardExpr, scope(seen(args)))),
            );
          }
        : undefined;
    if (automatic) {
      // A guard is the one place XState lets an error stop a run of eventless steps (an error in
      // an action does not), so automatic transitions always get one: it counts the step.
      out.guard = (args: Args) => {
        const taken = guard ? guard(args) : true;
        if (taken) {
          const { hooks, lastDelay } = bindingOf(args.context);
          hooks.automaticStep?.(
            automatic === 'always' ? { kind: 'always', state } : { kind: 'after', state, delayMs: lastDelay.get(automatic.after) },
          );
        }
        return taken;
      };
    } else if (guard) out.guard = guard;
    if (t.assign) out.actions = [assignFrom(t.assign, state, `the assignments of ${what}`, eventOf && seen)];
    if (t.description) out.description = t.description;
    return out;
  };

  const assignFrom = (exprs: Record<string, string>, state: string, what: string, seen?: (args: Args) => Args) =>
    assign((args: Args) => inState(args, state, what, () => evaluateMapIn(def, exprs, scope(seen ? seen(args) : args))));

  const compileActions = (actions: Action[] | undefined, state: string, what: string) =>
    (actions ?? []).flatMap((a) => {
      const out: unknown[] = [];
      if (a.assign) out.push(assignFrom(a.assign, state, `the ${what} assignments`));
      if (a.log) {
        const source = a.log;
        out.push((args: Args) =>
          bindingOf(args.context).hooks.log(String(inState(args, state, `the ${what} log`, () => evaluateIn(def, source, scope(args))))),
        );
      }
      return out;
    });

  const delayMs = (d: DelaySpec, args: Args, state: string, key: string): number => {
    const what = d.at !== undefined ? `the due time (at) \`${d.at}\`` : `the delay \`${d.delay}\``;
    const { hooks, lastDelay } = bindingOf(args.context);
    const ms = inState(args, state, what, () => timerDelayMs(d, hooks.now(), (source) => evaluateIn(def, source, scope(args))));
    lastDelay.set(key, ms);
    return ms;
  };

  const compileState = (path: StatePath, spec: StateSpec): Record<string, unknown> => {
    const node: Record<string, unknown> = { id: nodeId(path) };
    if (spec.description) node.description = spec.description;
    if (spec.type === 'final') node.type = 'final';
    if (spec.type === 'parallel') node.type = 'parallel';
    const state = displayPath(path);
    if (spec.type === 'final' && path.length === 1) {
      // The case's outcome and output, fixed as it ends (compiler/outcome.ts); the machine's output.
      node.output = (args: Args) => inState(args, state, 'the outcome and output', () => finalOutput(def, path[0], spec, scope(args)));
    } else if (spec.type === 'final' && spec.output) {
      // A nested final state's output: its region's (or compound parent's) done event carries it to the join.
      const exprs = spec.output;
      node.output = (args: Args) => inState(args, state, 'the output', () => evaluateMapIn(def, exprs, scope(args)));
    }
    if (spec.states) {
      node.states = Object.fromEntries(Object.entries(spec.states).map(([name, child]) => [name, compileState([...path, name], child)]));
      if (spec.type !== 'parallel') node.initial = spec.initial;
    }
    const entry = compileActions(spec.entry, state, 'entry');
    const exit = compileActions(spec.exit, state, 'exit');
    const on: Record<string, unknown[]> = {};
    for (const [event, t] of Object.entries(spec.on ?? {})) on[event] = transitions(path, t, `on.${event}`);
    if (spec.onDone !== undefined && spec.states) {
      // A join (compiler/joins.ts): XState's onDone, with each region's output for a parallel state.
      node.onDone = transitions(path, spec.onDone, 'onDone', undefined, joinEvent(path, spec));
      if (spec.type === 'parallel') {
        entry.unshift(clearRegionOutputs(path));
        for (const region of Object.keys(spec.states)) {
          const regionNode = (node.states as Record<string, Record<string, unknown>>)[region];
          regionNode.on = { ...(regionNode.on as object | undefined), ...keepRegionOutput(path, region) };
        }
      }
    }

    if (spec.after?.length) {
      const after: Record<string, unknown[]> = {};
      spec.after.forEach((d, i) => {
        const key = deadlineKey(path, i);
        delays[key] = (args) => delayMs(d, args, state, key);
        after[key] = [compileTransition(path, d, `after[${i}]`, { after: key })];
      });
      node.after = after;
      // Report deadlines after the state's own entry assignments, as XState schedules them then too.
      entry.push((args: Args) =>
        spec.after!.forEach((d, i) =>
          bindingOf(args.context).hooks.deadlineArmed({
            key: deadlineKey(path, i),
            name: d.name ?? `${displayPath(path)}.after[${i}]`,
            state: displayPath(path),
            dueMs: bindingOf(args.context).hooks.now() + delayMs(d, args, state, deadlineKey(path, i)),
            target: d.target,
          }),
        ),
      );
      exit.push((args: Args) => spec.after!.forEach((_, i) => bindingOf(args.context).hooks.deadlineCleared(deadlineKey(path, i))));
    }

    if (spec.invoke) {
      const inv = spec.invoke;
      const kind = inv.activity ? 'activity' : 'process';
      const undo = inv.compensate;
      node.invoke = {
        id: `invoke:${nodeId(path)}`,
        src: 'invocation',
        input: (args: Args): BoundInvokeRequest => ({
          // The case's hooks start it (see `invocation` below); a symbol key, so never persisted.
          [CASE_BINDING]: bindingOf(args.context),
          ...(undo && {
            compensation: (output: unknown) =>
              inState(args, state, `the input (with) of the compensation of ${kind} ${inv.activity ?? inv.process}`, () =>
                compensationFor(def, undo, { state, compensates: (inv.activity ?? inv.process)! }, scope(args), output),
              ),
          }),
          state: displayPath(path),
          kind,
          name: (inv.activity ?? inv.process)!,
          input: inState(args, state, `the input (with) of ${kind} ${inv.activity ?? inv.process}`, () =>
            evaluateMapIn(def, inv.with, scope(args)),
          ),
          timeoutMs: inv.timeout ? parseDuration(inv.timeout) : undefined,
          retry: inv.retry,
          hasOnError: inv.onError !== undefined,
        }),
      };
      on[invokeDoneEvent(path)] = transitions(path, inv.onDone, 'invoke.onDone');
      on[invokeErrorEvent(path)] = transitions(path, inv.onError, 'invoke.onError');
    }
    if (spec.always) node.always = transitions(path, spec.always, 'always', 'always');
    if (Object.keys(on).length) node.on = on;
    if (entry.length) node.entry = entry;
    if (exit.length) node.exit = exit;
    return node;
  };

  const states = Object.fromEntries(Object.entries(def.states).map(([name, spec]) => [name, compileState([name], spec)]));

  const invocation = fromCallback<AnyEventObject, BoundInvokeRequest>(({ sendBack, input: request }) => {
    // No binding: XState restored this child from a continue-as-new snapshot, whose JSON dropped
    // the symbol key. A case continues as new only with no invocation in flight
    // (workflows/process-workflow.ts), so this one settled in the run before, and its state stayed
    // active (an `onDone` without a target): starting it again would run the activity twice.
    // The child stays, idle, so leaving the state stops it as usual.
    if (!request[CASE_BINDING]) return undefined;
    const path = request.state.split('.');
    return request[CASE_BINDING].hooks.startInvocation(
      request,
      (output) => sendBack({ type: invokeDoneEvent(path), output }),
      (error) => sendBack({ type: invokeErrorEvent(path), error }),
    );
  });

  // Process-wide events: XState's root `on`, handled in every state while the machine runs.
  const processOn = Object.fromEntries(Object.entries(def.on ?? {}).map(([event, t]) => [event, transitions([], t, `on.${event}`)]));

  return setup({ actors: { invocation }, delays: delays as never }).createMachine({
    id: def.process,
    initial: def.initial,
    ...(Object.keys(processOn).length ? { on: processOn } : {}),
    // The top-level final state's outcome and output (its done event's output, see compileState).
    output: ({ event }: Args) => event.output,
    context: ({ input: actorInput }: { input: unknown }) => {
      const binding = bound ?? (actorInput as CaseBinding);
      const { input, hooks } = binding;
      const initial = inStateOf(
        def.initial,
        'the initial context',
        () => evaluateMapIn(def, def.context, { input, context: {}, now: hooks.now(), caseId: hooks.caseId }),
        hooks.caseError,
      );
      return { ...initial, [CASE_BINDING]: binding };
    },
    states: states as never,
  }) as unknown as AnyStateMachine;
}

export { outcomeOf } from './outcome';
