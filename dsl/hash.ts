/**
 * The identity of a definition: sha256 of its canonical JSON, so reordering keys or reformatting
 * the YAML does not change it. The canonical form is RFC 8785 (JSON Canonicalization Scheme) for
 * JSON values: object keys sorted by UTF-16 code units at every level, no whitespace, numbers and
 * strings as ECMAScript's JSON.stringify writes them (test vectors: contract/vectors/).
 *
 * sha256 comes from @noble/hashes (pure JavaScript, audited) rather than node:crypto, because the
 * registry and the workflow compute hashes inside the Temporal sandbox, where Node built-ins are
 * not available. One implementation everywhere, so the CLI, the worker and the audit agree.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { ProcessDefinition } from './types';

/** Hex sha256 of the canonical JSON of a definition. */
export function definitionHash(def: ProcessDefinition): string {
  return sha256Hex(canonicalJson(def));
}

/** Hex sha256 of a string's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** RFC 8785 canonical JSON of a JSON value; `undefined` members are dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  // Written by hand from the sorted keys: a JavaScript object would list integer-like keys
  // ("9", "10") first in numeric order, whatever order they were inserted in.
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson(JSON.parse(JSON.stringify(value)));
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined || typeof item === 'function' ? 'null' : canonicalJson(item))).join(',')}]`;
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined || typeof member === 'function') continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}
