/**
 * Bounds on what one event may carry, checked before anything else reads the event: before the
 * schema check, before CEL converts the data, before XState stores it. The walk is iterative (no
 * recursion, so no stack to exhaust) and stops as soon as a bound is passed, so its cost is at
 * most the bound, whatever the caller sent. Pure and deterministic (workflow code).
 */
import type { Rejection } from '../contract/wire';

/** Default bound on the size of an event's data (JSON, UTF-8), in bytes: 64 KiB. The type, actor id and roles are bounded by MAX_NAME_LENGTH and MAX_ROLES. */
export const DEFAULT_EVENT_BYTES = 64 * 1024;
/** The largest `limits.eventBytes` a definition may set: Temporal warns about payloads above 512 KiB. */
export const MAX_EVENT_BYTES = 512 * 1024;
/** Deepest nesting of arrays and objects in `event.data`. */
export const MAX_EVENT_DATA_DEPTH = 32;
/** Longest event type, actor id and role name, in characters. */
export const MAX_NAME_LENGTH = 200;
/** Most roles one actor may claim. */
export const MAX_ROLES = 50;

/**
 * The reason an event is too big or too deep (`PAYLOAD_TOO_LARGE`, `INVALID_EVENT`), or
 * undefined. `maxBytes` is the definition's `limits.eventBytes` (default `DEFAULT_EVENT_BYTES`).
 */
export function checkEventBounds(event: unknown, maxBytes: number = DEFAULT_EVENT_BYTES): Rejection | undefined {
  const e = event as { type?: unknown; actor?: { id?: unknown; roles?: unknown }; data?: unknown } | null | undefined;
  if (!e || typeof e !== 'object') return undefined; // the shape check says what is wrong
  if (typeof e.type === 'string' && e.type.length > MAX_NAME_LENGTH)
    return invalid(`event.type is longer than ${MAX_NAME_LENGTH} characters`);
  const actor = e.actor;
  if (actor && typeof actor === 'object') {
    if (typeof actor.id === 'string' && actor.id.length > MAX_NAME_LENGTH)
      return invalid(`event.actor.id is longer than ${MAX_NAME_LENGTH} characters`);
    if (Array.isArray(actor.roles)) {
      if (actor.roles.length > MAX_ROLES) return invalid(`event.actor.roles lists more than ${MAX_ROLES} roles`);
      if (actor.roles.some((r) => typeof r === 'string' && r.length > MAX_NAME_LENGTH))
        return invalid(`a role name is longer than ${MAX_NAME_LENGTH} characters`);
    }
  }
  const size = measure(e.data, maxBytes);
  if (size === 'too-deep') return invalid(`event.data is nested more than ${MAX_EVENT_DATA_DEPTH} levels deep`);
  if (size === 'too-large') {
    return {
      code: 'PAYLOAD_TOO_LARGE',
      message: `the event's data is larger than ${maxBytes} bytes (limits.eventBytes of the process); send a reference to large content instead`,
    };
  }
  return undefined;
}

const invalid = (message: string): Rejection => ({ code: 'INVALID_EVENT', message });

/**
 * The JSON-encoded size of `value` in bytes (UTF-8, close enough: escapes are not counted), or
 * why it is out of bounds. Stops at the first bound passed.
 */
function measure(value: unknown, maxBytes: number): number | 'too-deep' | 'too-large' {
  let bytes = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item === 'string') bytes += stringBytes(item, maxBytes) + 2;
    else if (typeof item === 'number' || typeof item === 'boolean') bytes += String(item).length;
    else if (item === null || item === undefined) bytes += 4;
    else if (typeof item === 'object') {
      if (depth >= MAX_EVENT_DATA_DEPTH) return 'too-deep';
      bytes += 2;
      if (Array.isArray(item)) {
        for (let i = item.length - 1; i >= 0; i--) {
          stack.push([item[i], depth + 1]);
          bytes += 1;
          if (bytes > maxBytes) return 'too-large';
        }
      } else {
        for (const key of Object.keys(item)) {
          bytes += stringBytes(key, maxBytes) + 3;
          stack.push([(item as Record<string, unknown>)[key], depth + 1]);
          if (bytes > maxBytes) return 'too-large';
        }
      }
    } else bytes += 4; // anything else a decoder could give (bigint, …)
    if (bytes > maxBytes) return 'too-large';
  }
  return bytes;
}

/** UTF-8 length of a string, counted no further than `limit`. */
function stringBytes(s: string, limit: number): number {
  if (s.length > limit) return s.length; // at least one byte per character: already too large
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 2 : 3;
  }
  return n;
}
