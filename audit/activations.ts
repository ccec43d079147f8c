/**
 * The history cut into workflow activations, the way the worker saw it: each completed workflow
 * task, its time (the workflow clock) and the inputs it delivered (events sent by actors,
 * activity and child results, fired timers). Plus the invocations the workflow started and in
 * which activation their results came back. This is what an offline re-run feeds a machine. Pure.
 *
 * The engine's own definition step (the first thing every run does) is not an invocation of the
 * definition: it is left out of the invocations and inputs, and only the activation its result
 * arrived in is kept (`definitionIn`): the workflow creates and starts the case's machine there,
 * so that is where an offline re-run starts it too. That is the activation after the
 * `resolveDefinition` activity completed, or, when the worker answered from its memory (the
 * `resolveKnownDefinition` local activity, a MarkerRecorded event written with the workflow task
 * that ran it), the activation that recorded the marker.
 */
import type { EventInput, Rejection } from '../contract/wire';
import { assertedEvent } from './asserted-actor';
import { recordedDefinition } from './case-input';
import {
  attributesOf,
  decodePayloads,
  engineLocalActivity,
  eventId,
  eventTimeMs,
  eventTypeName,
  failureMessage,
  isEngineActivity,
  num,
  type HistoryEvent,
  type EventAttributes,
} from './history-events';
import type { HistoryFile } from './history-file';

export type RecordedInput =
  | { kind: 'event'; via: 'update' | 'signal'; eventId: number; event: EventInput; refusal?: Rejection }
  | { kind: 'result'; invocation: number; status: 'done' | 'failed' | 'canceled'; output?: unknown; error?: string }
  | { kind: 'timer'; timerId: string };

export interface Activation {
  /** Event id of its WorkflowTaskStarted. */
  eventId: number;
  /** The workflow clock during the activation (ms). */
  at: number;
  inputs: RecordedInput[];
}

export interface RecordedInvocation {
  /** Event id of its ActivityTaskScheduled or StartChildWorkflowExecutionInitiated. */
  id: number;
  kind: 'activity' | 'process';
  name: string;
  /** Index of the activation that started it. */
  startedIn: number;
  /** Index of the activation its result was delivered in, when it was. */
  resultIn?: number;
}

export interface RecordedActivations {
  activations: Activation[];
  invocations: RecordedInvocation[];
  /**
   * Index of the activation that delivered the result of the run's definition step: the
   * workflow starts the case's machine there. Undefined when the definition never arrived.
   */
  definitionIn?: number;
  /** Time of the last event (ms). */
  endMs: number;
}

/** Where the engine's definition step completed, while the activations are still being cut. */
type PendingInput = RecordedInput | { kind: 'definition' };

export function recordedActivations(file: HistoryFile): RecordedActivations {
  const events = (file.history.events ?? []) as HistoryEvent[];
  const invocations = new Map<number, RecordedInvocation>();
  // Engine steps (resolveDefinition): scheduled event ids.
  const engine = new Set<number>();
  const cut: Array<Omit<Activation, 'inputs'> & { inputs: PendingInput[] }> = [];
  let pending: PendingInput[] = [];
  // The actor each event is taken with: the verified one, or a refusal (asserted-actor.ts).
  const recorded = recordedDefinition(file);
  const trust = recorded.kind === 'resolved' ? recorded.resolved.actors : undefined;

  for (const e of events) {
    const type = eventTypeName(e);
    const a = attributesOf(e) as EventAttributes;
    switch (type) {
      case 'WorkflowTaskStarted':
        cut.push({ eventId: eventId(e), at: eventTimeMs(e), inputs: pending });
        pending = [];
        break;
      case 'WorkflowTaskFailed':
      case 'WorkflowTaskTimedOut': {
        // The task's inputs are delivered again with the next task.
        const last = cut[cut.length - 1];
        if (last && num(a.startedEventId) === last.eventId) {
          cut.pop();
          pending = [...last.inputs, ...pending];
        }
        break;
      }
      case 'WorkflowExecutionSignaled':
        pending.push({
          kind: 'event',
          via: 'signal',
          eventId: eventId(e),
          ...assertedEvent(decodePayloads(a.input)[0] as EventInput, a.header, trust, file.workflowId, eventTimeMs(e)),
        });
        break;
      case 'WorkflowExecutionUpdateAccepted':
        // Written after the task that took the Update in: it belongs to that activation.
        cut[cut.length - 1]?.inputs.push({
          kind: 'event',
          via: 'update',
          eventId: eventId(e),
          ...assertedEvent(
            decodePayloads(a.acceptedRequest?.input?.args)[0] as EventInput,
            a.acceptedRequest?.input?.header,
            trust,
            file.workflowId,
            eventTimeMs(e),
          ),
        });
        break;
      case 'MarkerRecorded': {
        // Written after the task that ran the local lookup: its answer arrived in that activation (null: not known, the activity follows).
        const marker = engineLocalActivity(e);
        if (marker && marker.result !== null && marker.result !== undefined) cut[cut.length - 1]?.inputs.push({ kind: 'definition' });
        break;
      }
      case 'ActivityTaskScheduled':
        if (isEngineActivity(a.activityType?.name)) engine.add(eventId(e));
        else
          invocations.set(eventId(e), { id: eventId(e), kind: 'activity', name: String(a.activityType?.name), startedIn: cut.length - 1 });
        break;
      case 'StartChildWorkflowExecutionInitiated': {
        // A child starts by name, with the version its parent pinned: { process, version, input }.
        const args = decodePayloads(a.input)[0] as { process?: string } | undefined;
        invocations.set(eventId(e), { id: eventId(e), kind: 'process', name: String(args?.process), startedIn: cut.length - 1 });
        break;
      }
      case 'ActivityTaskCompleted':
        if (engine.has(num(a.scheduledEventId))) pending.push({ kind: 'definition' });
        else pending.push({ kind: 'result', invocation: num(a.scheduledEventId), status: 'done', output: decodePayloads(a.result)[0] });
        break;
      case 'ActivityTaskFailed':
      case 'ActivityTaskTimedOut':
        // An engine step that failed failed the run: there is no machine to deliver it to.
        if (!engine.has(num(a.scheduledEventId)))
          pending.push({ kind: 'result', invocation: num(a.scheduledEventId), status: 'failed', error: failureMessage(a.failure) ?? type });
        break;
      case 'ActivityTaskCanceled':
        if (!engine.has(num(a.scheduledEventId))) pending.push({ kind: 'result', invocation: num(a.scheduledEventId), status: 'canceled' });
        break;
      case 'ChildWorkflowExecutionCompleted': {
        const result = decodePayloads(a.result)[0] as { outcome?: string; context?: unknown; output?: unknown } | undefined;
        // As workflows/invocations.ts hands it to the parent's onDone.
        const output = {
          outcome: result?.outcome,
          context: result?.context,
          ...(result?.output ? { output: result.output } : {}),
          workflowId: a.workflowExecution?.workflowId,
        };
        pending.push({ kind: 'result', invocation: num(a.initiatedEventId), status: 'done', output });
        break;
      }
      case 'StartChildWorkflowExecutionFailed':
      case 'ChildWorkflowExecutionFailed':
      case 'ChildWorkflowExecutionTimedOut':
      case 'ChildWorkflowExecutionTerminated':
        pending.push({ kind: 'result', invocation: num(a.initiatedEventId), status: 'failed', error: failureMessage(a.failure) ?? type });
        break;
      case 'ChildWorkflowExecutionCanceled':
        pending.push({ kind: 'result', invocation: num(a.initiatedEventId), status: 'canceled' });
        break;
      case 'TimerFired':
        pending.push({ kind: 'timer', timerId: String(a.timerId) });
        break;
    }
  }
  let definitionIn: number | undefined;
  const activations: Activation[] = cut.map((activation, index) => {
    if (activation.inputs.some((i) => i.kind === 'definition')) definitionIn ??= index;
    return { ...activation, inputs: activation.inputs.filter((i): i is RecordedInput => i.kind !== 'definition') };
  });
  activations.forEach((activation, index) => {
    for (const input of activation.inputs) {
      if (input.kind !== 'result') continue;
      const invocation = invocations.get(input.invocation);
      if (invocation) invocation.resultIn = index;
    }
  });
  return { activations, invocations: [...invocations.values()], definitionIn, endMs: eventTimeMs(events[events.length - 1]) };
}
