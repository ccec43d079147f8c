/**
 * Facts read straight from the history events, with no workflow code: activities with their
 * attempts and outcomes, child processes, durable timers, the events actors sent (accepted
 * Updates and Signals), and how the run ended. Pure.
 *
 * The engine's own definition step is not one of the case's activities: it is kept apart
 * (`definitionStep`: the `resolveDefinition` activity, or the `resolveKnownDefinition` local
 * activity's marker when the worker answered from its memory), so the activities are what the
 * definition invoked.
 */
import { assertedEvent } from './asserted-actor';
import { recordedDefinition } from './case-input';
import type { EventInput, ProcessResult } from '../contract/wire';
import {
  attributesOf,
  decodePayloads,
  durationMs,
  engineLocalActivity,
  eventId,
  eventTimeIso,
  eventTimeMs,
  eventTypeName,
  failureMessage,
  isEngineActivity,
  num,
  type EventAttributes,
  type HistoryEvent,
} from './history-events';
import type { HistoryFile } from './history-file';

export interface ActivityRecord {
  activityId: string;
  name: string;
  scheduledEventId: number;
  scheduledAt: string;
  input: unknown;
  /** Attempts made (1 when it succeeded first time; Temporal records only the last attempt's start). */
  attempts: number;
  status: 'completed' | 'failed' | 'timed-out' | 'canceled' | 'running';
  endedAt?: string;
  result?: unknown;
  /** The final failure, for failed and timed-out activities. */
  error?: string;
  /** The failure of the attempt before the last one, when it was retried. */
  lastRetriedFailure?: string;
}

export interface ChildRecord {
  workflowId: string;
  initiatedEventId: number;
  initiatedAt: string;
  /** The child's process id (its start input names it). */
  process?: string;
  /** The child's definition version: the hash its parent pinned when it resolved its own definition. */
  version?: string;
  runId?: string;
  status: 'initiated' | 'started' | 'completed' | 'failed' | 'canceled' | 'terminated' | 'timed-out' | 'start-failed';
  endedAt?: string;
  outcome?: string;
  error?: string;
}

export interface TimerRecord {
  timerId: string;
  startedEventId: number;
  startedAt: string;
  durationMs: number;
  due: string;
  status: 'fired' | 'canceled' | 'pending';
  endedAt?: string;
}

/** An event an actor sent that the workflow took in (a rejected Update leaves no trace). */
export interface ReceivedEvent {
  via: 'update' | 'signal';
  eventId: number;
  at: string;
  event: EventInput;
}

export interface RunEnd {
  status: 'completed' | 'failed' | 'continued-as-new' | 'terminated' | 'timed-out' | 'canceled';
  at: string;
  result?: ProcessResult;
  error?: string;
}

export interface HistoryFacts {
  events: number;
  firstEventAt: string;
  lastEventAt: string;
  /** The activities the definition invoked. */
  activities: ActivityRecord[];
  /**
   * The engine's definition step of this run (not an invocation of the definition): the
   * `resolveDefinition` activity, or the `resolveKnownDefinition` local activity when it answered
   * (its record has no input: a local activity's marker does not carry it).
   */
  definitionStep?: ActivityRecord;
  children: ChildRecord[];
  timers: TimerRecord[];
  received: ReceivedEvent[];
  /** How the run ended; undefined while it is still running. */
  end?: RunEnd;
}

const CLOSE_EVENTS: Record<string, RunEnd['status']> = {
  WorkflowExecutionCompleted: 'completed',
  WorkflowExecutionFailed: 'failed',
  WorkflowExecutionContinuedAsNew: 'continued-as-new',
  WorkflowExecutionTerminated: 'terminated',
  WorkflowExecutionTimedOut: 'timed-out',
  WorkflowExecutionCanceled: 'canceled',
};

export function historyFacts(file: HistoryFile): HistoryFacts {
  const events = (file.history.events ?? []) as HistoryEvent[];
  const activities = new Map<number, ActivityRecord>();
  const children = new Map<number, ChildRecord>();
  const timers = new Map<string, TimerRecord>();
  const received: ReceivedEvent[] = [];
  // Events carry the actor the workflow took: the verified one (see asserted-actor.ts).
  const recorded = recordedDefinition(file);
  const trust = recorded.kind === 'resolved' ? recorded.resolved.actors : undefined;
  let end: RunEnd | undefined;
  let localStep: ActivityRecord | undefined;

  for (const e of events) {
    const type = eventTypeName(e);
    const a = attributesOf(e) as EventAttributes;
    const at = eventTimeIso(e);
    switch (type) {
      case 'MarkerRecorded': {
        const marker = engineLocalActivity(e);
        // The lookup that answered (null is "not known here": the resolveDefinition activity follows and is the step).
        if (marker && !localStep && marker.result !== null && marker.result !== undefined) {
          localStep = {
            activityId: `local:${eventId(e)}`,
            name: marker.name,
            scheduledEventId: eventId(e),
            scheduledAt: at,
            input: undefined,
            attempts: 1,
            status: 'completed',
            endedAt: at,
            result: marker.result,
          };
        }
        break;
      }
      case 'ActivityTaskScheduled':
        activities.set(eventId(e), {
          activityId: String(a.activityId),
          name: String(a.activityType?.name),
          scheduledEventId: eventId(e),
          scheduledAt: at,
          input: decodePayloads(a.input)[0],
          attempts: 0,
          status: 'running',
        });
        break;
      case 'ActivityTaskStarted': {
        const act = activities.get(num(a.scheduledEventId));
        if (act) {
          act.attempts = num(a.attempt) || 1;
          if (a.lastFailure) act.lastRetriedFailure = failureMessage(a.lastFailure);
        }
        break;
      }
      case 'ActivityTaskCompleted':
      case 'ActivityTaskFailed':
      case 'ActivityTaskTimedOut':
      case 'ActivityTaskCanceled': {
        const act = activities.get(num(a.scheduledEventId));
        if (!act) break;
        act.endedAt = at;
        act.status =
          type === 'ActivityTaskCompleted'
            ? 'completed'
            : type === 'ActivityTaskFailed'
              ? 'failed'
              : type === 'ActivityTaskTimedOut'
                ? 'timed-out'
                : 'canceled';
        if (type === 'ActivityTaskCompleted') act.result = decodePayloads(a.result)[0];
        if (a.failure) act.error = failureMessage(a.failure);
        break;
      }
      case 'StartChildWorkflowExecutionInitiated': {
        const args = decodePayloads(a.input)[0] as { process?: string; version?: unknown } | undefined;
        children.set(eventId(e), {
          workflowId: String(a.workflowId),
          initiatedEventId: eventId(e),
          initiatedAt: at,
          process: args?.process,
          version: args?.version === undefined ? undefined : String(args.version),
          status: 'initiated',
        });
        break;
      }
      case 'StartChildWorkflowExecutionFailed':
      case 'ChildWorkflowExecutionStarted':
      case 'ChildWorkflowExecutionCompleted':
      case 'ChildWorkflowExecutionFailed':
      case 'ChildWorkflowExecutionCanceled':
      case 'ChildWorkflowExecutionTerminated':
      case 'ChildWorkflowExecutionTimedOut': {
        const child = children.get(num(a.initiatedEventId));
        if (!child) break;
        if (a.workflowExecution?.runId) child.runId = String(a.workflowExecution.runId);
        const status = (
          {
            StartChildWorkflowExecutionFailed: 'start-failed',
            ChildWorkflowExecutionStarted: 'started',
            ChildWorkflowExecutionCompleted: 'completed',
            ChildWorkflowExecutionFailed: 'failed',
            ChildWorkflowExecutionCanceled: 'canceled',
            ChildWorkflowExecutionTerminated: 'terminated',
            ChildWorkflowExecutionTimedOut: 'timed-out',
          } as const
        )[type];
        child.status = status;
        if (status !== 'started') child.endedAt = at;
        if (type === 'ChildWorkflowExecutionCompleted') child.outcome = (decodePayloads(a.result)[0] as ProcessResult | undefined)?.outcome;
        if (a.failure) child.error = failureMessage(a.failure);
        break;
      }
      case 'TimerStarted': {
        const ms = durationMs(a.startToFireTimeout) ?? 0;
        timers.set(String(a.timerId), {
          timerId: String(a.timerId),
          startedEventId: eventId(e),
          startedAt: at,
          durationMs: ms,
          due: new Date(eventTimeMs(e) + ms).toISOString(),
          status: 'pending',
        });
        break;
      }
      case 'TimerFired':
      case 'TimerCanceled': {
        const timer = timers.get(String(a.timerId));
        if (timer) {
          timer.status = type === 'TimerFired' ? 'fired' : 'canceled';
          timer.endedAt = at;
        }
        break;
      }
      case 'WorkflowExecutionSignaled':
        received.push({
          via: 'signal',
          eventId: eventId(e),
          at,
          event: assertedEvent(decodePayloads(a.input)[0] as EventInput, a.header, trust, file.workflowId, eventTimeMs(e)).event,
        });
        break;
      case 'WorkflowExecutionUpdateAccepted':
        received.push({
          via: 'update',
          eventId: eventId(e),
          at,
          event: assertedEvent(
            decodePayloads(a.acceptedRequest?.input?.args)[0] as EventInput,
            a.acceptedRequest?.input?.header,
            trust,
            file.workflowId,
            eventTimeMs(e),
          ).event,
        });
        break;
      default:
        if (CLOSE_EVENTS[type]) {
          end = { status: CLOSE_EVENTS[type], at };
          if (type === 'WorkflowExecutionCompleted') end.result = decodePayloads(a.result)[0] as ProcessResult;
          if (a.failure) end.error = failureMessage(a.failure);
        }
    }
  }
  return {
    events: events.length,
    firstEventAt: eventTimeIso(events[0]),
    lastEventAt: eventTimeIso(events[events.length - 1]),
    activities: [...activities.values()].filter((act) => !isEngineActivity(act.name)),
    definitionStep: localStep ?? [...activities.values()].find((act) => isEngineActivity(act.name)),
    children: [...children.values()],
    timers: [...timers.values()],
    received,
    end,
  };
}
