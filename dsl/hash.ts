/**
 * The identity of a definition: sha256 of its canonical JSON (keys sorted at every level, no
 * whitespace), so reordering keys or reformatting the YAML does not change it. Uses Node's crypto:
 * call it when loading or bundling, never inside workflow code.
 */
import { createHash } from 'node:crypto';
import type { ProcessDefinition } from './types';

/** Hex sha256 of the canonical JSON of a definition. */
export function definitionHash(def: ProcessDefinition): string {
  return createHash('sha256').update(canonicalJson(def)).digest('hex');
}

/** JSON with object keys sorted recursively; `undefined` members are dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      // Own data property, so a key named __proto__ stays a key and does not set the prototype.
      if (member !== undefined) Object.defineProperty(out, key, { value: sortKeys(member), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}
