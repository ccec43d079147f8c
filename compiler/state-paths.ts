/**
 * Walking the definition's state tree by path. Pure.
 *
 * A path is the list of state names from the root (`['handling', 'waiting']`); its display form
 * joins them with dots, and its XState node id joins them with `/` (XState reads dots in `#id`
 * targets as a child path, so ids must not contain them).
 */
import { forEachState as forEachStateInTree, stateAt as stateInTree } from '../dsl/state-tree';
import type { ProcessDefinition, StateSpec } from '../dsl/types';

export type StatePath = string[];

export const displayPath = (path: StatePath): string => path.join('.');
export const nodeId = (path: StatePath): string => path.join('/');

/** The state spec at a path, or undefined (the validator's tree walk, for one rule everywhere). */
export function stateAt(def: ProcessDefinition, path: StatePath): StateSpec | undefined {
  return stateInTree(def.states, path);
}

/** Active leaf paths of an XState state value (`'a'` or `{ a: 'b' }` or `{ p: { r1: 'x', r2: 'y' } }`). */
export function leafPaths(value: unknown, prefix: StatePath = []): StatePath[] {
  if (typeof value === 'string') return [[...prefix, value]];
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return [prefix];
    return entries.flatMap(([name, child]) => leafPaths(child, [...prefix, name]));
  }
  return [prefix];
}

/** Every active path, leaves first then their ancestors, deepest first, without repeats. */
export function activeChain(leaves: StatePath[]): StatePath[] {
  const seen = new Set<string>();
  const out: StatePath[] = [];
  for (const leaf of leaves) {
    for (let len = leaf.length; len > 0; len--) {
      const path = leaf.slice(0, len);
      const key = displayPath(path);
      if (!seen.has(key)) {
        seen.add(key);
        out.push(path);
      }
    }
  }
  return out.sort((a, b) => b.length - a.length);
}

/** Calls `visit` for every state in the tree, parents before children. */
export const forEachState = forEachStateInTree;

/** Normalises the three transition spellings (name, object, list) into a list of objects. */
export function transitionList<T extends object>(input: string | T | T[] | undefined): Array<T & { target?: string }> {
  if (input === undefined) return [];
  if (typeof input === 'string') return [{ target: input } as T & { target?: string }];
  return (Array.isArray(input) ? input : [input]) as Array<T & { target?: string }>;
}
