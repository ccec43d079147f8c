/**
 * The value a payload that could not be decoded becomes (contract/payload-converter.ts), and how
 * the event gate and the start check recognise it. No imports: the compiler reads it too.
 */

/** The key of the value an undecodable payload becomes. */
export const UNDECODABLE = '@docket/undecodable';

export interface UndecodablePayload {
  [UNDECODABLE]: {
    /** The payload's `encoding` metadata, as text ('' when absent). */
    encoding: string;
    /** Why it could not be decoded, in the SDK's words (at most 200 characters). */
    reason: string;
  };
}

/** What made `value` undecodable, when it is the value of a payload that could not be decoded. */
export function undecodableOf(value: unknown): UndecodablePayload[typeof UNDECODABLE] | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.prototype.hasOwnProperty.call(value, UNDECODABLE) ? (value as UndecodablePayload)[UNDECODABLE] : undefined;
}

/** The refusal's message for an undecodable `what` (the event, the start input): what failed and what to send. */
export function undecodableMessage(what: string, undecodable: UndecodablePayload[typeof UNDECODABLE]): string {
  return `${what} could not be decoded (encoding "${undecodable.encoding}": ${undecodable.reason}); send it as JSON (encoding json/plain)`;
}
