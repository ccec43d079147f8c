/**
 * Reading history events as plain values: type names, ids, times, attributes and payloads.
 * The SDK's `historyFromJSON` gives protobuf objects (enums as numbers, int64 as Long, times as
 * `{ seconds, nanos }`); these helpers hide that. Pure.
 */
import { payloadConverter } from '../contract/payload-converter';
import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { unpackResolution } from '../contract/packed-definition';

export type HistoryEvent = NonNullable<History['events']>[number];
type Payload = temporal.api.common.v1.IPayload;

/** `WorkflowExecutionStarted`, `ActivityTaskCompleted`, … (the enum name without its prefix, PascalCase). */
export function eventTypeName(event: HistoryEvent): string {
  const constant = temporal.api.enums.v1.EventType[event.eventType as number] ?? String(event.eventType);
  return constant
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/** A protobuf int64 (Long, string or number) as a number. */
export function num(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  return Number(String(value));
}

export const eventId = (event: HistoryEvent): number => num(event.eventId);

/** Event time in milliseconds since the epoch. */
export function eventTimeMs(event: HistoryEvent): number {
  const t = event.eventTime;
  return t ? num(t.seconds) * 1000 + Math.floor(num(t.nanos) / 1e6) : 0;
}

export const eventTimeIso = (event: HistoryEvent): string => new Date(eventTimeMs(event)).toISOString();

/** A protobuf Duration in milliseconds. */
export function durationMs(d: { seconds?: unknown; nanos?: unknown } | null | undefined): number | undefined {
  if (!d) return undefined;
  return num(d.seconds) * 1000 + Math.floor(num(d.nanos) / 1e6);
}

/** The `…EventAttributes` member that is set on the event. */
export function attributesOf(event: HistoryEvent): Record<string, unknown> {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventAttributes') && value) return value as Record<string, unknown>;
  }
  return {};
}

/**
 * Decodes payloads as the worker does (contract/payload-converter.ts: JSON, binary, null), so an
 * undecodable one reads as the same value the workflow saw and refused.
 */
export function decodePayloads(payloads: { payloads?: Payload[] | null } | null | undefined): unknown[] {
  return (payloads?.payloads ?? []).map((p) => payloadConverter.fromPayload(p));
}

/** The innermost message of a failure chain (activity failure → application failure). */
export function failureMessage(failure: unknown): string | undefined {
  let f = failure as { message?: string | null; cause?: unknown } | null | undefined;
  if (!f) return undefined;
  while (f.cause) f = f.cause as typeof f;
  return f.message ?? undefined;
}

/**
 * Activities the engine runs for itself, not because the definition invoked them: the
 * `resolveDefinition` step at the start of every run (activities/resolve-definition.ts,
 * `RESOLVE_DEFINITION_ACTIVITY`; not in ACTIVITY_CATALOG, so no definition can invoke it). They
 * are left out of the business record: activations, invocations, the activities list, what-if.
 */
export const ENGINE_ACTIVITIES: readonly string[] = ['resolveDefinition'];

export const isEngineActivity = (name: string | null | undefined): boolean =>
  name !== null && name !== undefined && ENGINE_ACTIVITIES.includes(name);

/**
 * Local activities the engine runs for itself: `resolveKnownDefinition`, the definition step
 * answered from the worker's memory when a start names a full hash it already knows
 * (activities/resolve-definition.ts, `RESOLVE_KNOWN_DEFINITION_ACTIVITY`). No definition can
 * invoke a local activity, so every local activity in a case's history is the engine's.
 */
export const ENGINE_LOCAL_ACTIVITIES: readonly string[] = ['resolveKnownDefinition'];

/** A local activity as the SDK records it: a MarkerRecorded event named `core_local_activity`. */
export interface LocalActivityMarker {
  /** The activity's name (`details.data`: `activity_type`). */
  name: string;
  /** The decoded result (`details.result`), when it completed; `null` is a result too. */
  result?: unknown;
  /** The failure message, when it failed. */
  error?: string;
}

/**
 * Reads a local activity's marker (sdk-core: markerName `core_local_activity`, `details.data` the
 * JSON of `{ seq, attempt, activity_id, activity_type, complete_time, … }`, `details.result` the
 * result payload, `failure` when it failed); undefined for any other event.
 */
export function localActivityMarker(event: HistoryEvent): LocalActivityMarker | undefined {
  if (eventTypeName(event) !== 'MarkerRecorded') return undefined;
  const a = attributesOf(event) as {
    markerName?: string;
    details?: Record<string, { payloads?: Payload[] | null } | null | undefined> | null;
    failure?: unknown;
  };
  if (a.markerName !== 'core_local_activity') return undefined;
  const data = decodePayloads(a.details?.data)[0] as { activity_type?: unknown } | undefined;
  const marker: LocalActivityMarker = { name: String(data?.activity_type ?? '') };
  if (a.failure) marker.error = failureMessage(a.failure) ?? 'failed';
  else if (a.details?.result?.payloads?.length) marker.result = decodePayloads(a.details.result)[0];
  return marker;
}

/**
 * The engine's local definition lookup in this event, if it is one, its result unpacked (it is
 * recorded as bytes: contract/packed-definition.ts, packResolution).
 */
export const engineLocalActivity = (event: HistoryEvent): LocalActivityMarker | undefined => {
  const marker = localActivityMarker(event);
  if (!marker || !ENGINE_LOCAL_ACTIVITIES.includes(marker.name)) return undefined;
  if (marker.result instanceof Uint8Array) {
    try {
      marker.result = unpackResolution(marker.result);
    } catch (err) {
      marker.result = { undecodable: (err as Error).message };
    }
  }
  return marker;
};

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type AttributeKeys = Extract<keyof temporal.api.history.v1.IHistoryEvent, `${string}EventAttributes`>;
/**
 * The attributes of any history event, typed as every event's attributes at once: a switch on
 * the event type reads the fields of that type (`a.activityType`, `a.input`) with their proto
 * types, not as `any`.
 */
export type EventAttributes = Partial<UnionToIntersection<NonNullable<temporal.api.history.v1.IHistoryEvent[AttributeKeys]>>>;
