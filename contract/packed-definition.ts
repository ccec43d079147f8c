/**
 * The pinned definition as the `resolveDefinition` step records it: the definition's JSON (UTF-8),
 * compressed with raw DEFLATE (RFC 1951) and encoded as standard base64 (RFC 4648, padded), in
 * `ResolvedDefinition.definitionDeflated`. The complaint definition is 12.8 KB as JSON and 4.9 KB
 * packed; it is in every case's history, so this is most of what docket adds to a history.
 *
 * Nothing is lost: unpacking gives the definition back exactly, and whoever reads it (the workflow,
 * `docket audit`, `docket replay`) recomputes its hash (dsl/hash.ts) and compares it with the
 * recorded `hash`. Histories recorded before 2026-12-02 carry the definition as plain JSON in
 * `definition`; `unpackDefinition` reads both.
 *
 * Runs inside the workflow sandbox: fflate is pure JavaScript (its synchronous functions use no
 * Node built-ins, no workers, no structuredClone), and base64 is done here rather than with Buffer or atob.
 */
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';
import type { ProcessDefinition } from '../dsl/types';
import type { ResolvedDefinition } from './wire';

/** The definition packed for the history: base64 of raw DEFLATE of its JSON. */
export function packDefinition(definition: ProcessDefinition): string {
  return toBase64(deflateSync(strToU8(JSON.stringify(definition)), { level: 9 }));
}

/**
 * The recorded definition: `definitionDeflated` unpacked, else the plain `definition` of an older
 * history. Throws when neither is there or the packed text is not base64 DEFLATE of a JSON object.
 * The caller checks the hash.
 */
export function unpackDefinition(resolved: { definition?: ProcessDefinition; definitionDeflated?: string }): ProcessDefinition {
  if (typeof resolved.definitionDeflated === 'string') {
    const parsed = JSON.parse(strFromU8(inflateSync(fromBase64(resolved.definitionDeflated)))) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the packed definition is not a JSON object');
    return parsed as ProcessDefinition;
  }
  if (resolved.definition && typeof resolved.definition === 'object') return resolved.definition;
  throw new Error('the resolved definition carries neither definitionDeflated nor definition');
}

/**
 * The whole resolution packed for the local lookup's marker (`resolveKnownDefinition`): raw
 * DEFLATE of the `ResolvedDefinition`'s JSON, returned as bytes, so the SDK records it as a
 * `binary/plain` payload. A JSON result would be base64 inside JSON (the packed definition) and
 * base64 again in every exported history; as bytes, the complaint's resolution is 3.9 KB instead
 * of 5.2 KB in the payload and 5.2 KB instead of 6.9 KB of exported JSON. The definition inside
 * stays packed as in the activity's result (`definitionDeflated`), so both steps unpack the same.
 */
export function packResolution(resolved: ResolvedDefinition): Uint8Array {
  return deflateSync(strToU8(JSON.stringify(resolved)), { level: 9 });
}

/** A packed resolution read back; throws when the bytes are not raw DEFLATE of a JSON object with `process` and `hash`. */
export function unpackResolution(bytes: Uint8Array): ResolvedDefinition {
  const parsed = JSON.parse(strFromU8(inflateSync(bytes))) as Partial<ResolvedDefinition> | null;
  if (
    !parsed ||
    typeof parsed !== 'object' ||
    Array.isArray(parsed) ||
    typeof parsed.process !== 'string' ||
    typeof parsed.hash !== 'string'
  ) {
    throw new Error('the packed resolution is not a JSON object with process and hash');
  }
  return parsed as ResolvedDefinition;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

export function toBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + '==';
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + '=';
  }
  return out;
}

export function fromBase64(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  if (clean.length % 4 === 1) throw new Error('not base64: bad length');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c] : -1;
    if (v < 0) throw new Error(`not base64: character ${JSON.stringify(clean[i])} at ${i}`);
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
    }
  }
  return out;
}
