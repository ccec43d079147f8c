/**
 * Definitions a worker has already unpacked and checked against their hash, shared by every case
 * that runs them. Preloaded (workflows/shared-libraries.ts), so it outlives a run: without it each
 * case inflated, parsed and re-hashed its pinned definition (sha256 over canonical JSON), a few
 * milliseconds of the worker's one workflow thread per case for the same bytes each time.
 *
 * Safe across cases: the key is the packed text exactly as recorded in the case's history together
 * with the hash it was recorded with, so a case gets a cached definition only for the very bytes
 * its own history holds; what is cached was computed from those bytes alone. The definitions are
 * deep-frozen, so no case can change what another reads. Bounded: at most MAX_DEFINITIONS, the
 * oldest dropped first.
 */
import type { ProcessDefinition } from '../dsl/types';

export const MAX_DEFINITIONS = 200;

const checked = new Map<string, ProcessDefinition>();

/**
 * The definition packed as `packed` whose hash is `hash`: from the cache, or from `unpackAndCheck`
 * (which throws when the bytes do not unpack or do not match the hash; nothing is cached then).
 */
export function checkedDefinition(packed: string, hash: string, unpackAndCheck: () => ProcessDefinition): ProcessDefinition {
  const key = `${hash}:${packed}`;
  const cached = checked.get(key);
  if (cached) return cached;
  const definition = deepFreeze(unpackAndCheck());
  if (checked.size >= MAX_DEFINITIONS) checked.delete(checked.keys().next().value as string);
  checked.set(key, definition);
  return definition;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
