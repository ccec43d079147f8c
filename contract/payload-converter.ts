/**
 * The worker's payload converter: the SDK's default (undefined, binary, JSON), except that a
 * payload it cannot decode becomes a value that says so instead of an exception.
 *
 * Why: Temporal delivers a Signal whatever its payload says. With the default converter, a Signal
 * whose payload has an unknown `encoding` (or `json/plain` that is not JSON) throws while the
 * workflow task decodes it; the Signal stays in the history, so every retry of the task throws
 * again and the case can never move (a `stuck` case). Anyone allowed to signal a case could
 * break it with one call, e.g. `temporal workflow signal --name event --input x
 * --input-meta encoding=weird/enc`. Decoded as an `UndecodablePayload`, the same Signal is refused
 * by the event gate as INVALID_EVENT and recorded as rejected; a start input that cannot be decoded
 * fails the case as INVALID_START. (Updates and Queries with such arguments were already refused by
 * the SDK without harm.)
 *
 * It runs inside the workflow sandbox (the bundle is built with it: worker/workflow-bundle-options.ts,
 * `PAYLOAD_CONVERTER_PATH`) and in the worker for activity arguments; it imports only
 * `@temporalio/common`. Encoding is the default's, unchanged: clients need nothing.
 */
import { defaultPayloadConverter, type Payload, type PayloadConverter } from '@temporalio/common';
import { UNDECODABLE, type UndecodablePayload } from './undecodable';

class TolerantPayloadConverter implements PayloadConverter {
  toPayload<T>(value: T): Payload {
    return defaultPayloadConverter.toPayload(value);
  }

  fromPayload<T>(payload: Payload): T {
    try {
      return defaultPayloadConverter.fromPayload<T>(payload);
    } catch (err) {
      const encoding = encodingOf(payload);
      // No encoding reads the same whether the metadata is empty or absent (an exported history drops an empty map).
      const reason = encoding ? String((err as Error)?.message ?? err).slice(0, 200) : 'the payload has no encoding metadata';
      const marker: UndecodablePayload = { [UNDECODABLE]: { encoding, reason } };
      return marker as T;
    }
  }
}

/** The `encoding` metadata as text: ASCII by convention; anything else is shown escaped, bounded. */
function encodingOf(payload: Payload): string {
  const bytes = payload?.metadata?.encoding;
  if (!bytes) return '';
  return JSON.stringify(String.fromCharCode(...Array.from(bytes.slice(0, 80)))).slice(1, -1);
}

/** The module export the SDK loads from `payloadConverterPath`. */
export const payloadConverter: PayloadConverter = new TolerantPayloadConverter();
