/**
 * The state tree of a definition, addressed by paths of state names from the root
 * (`['review', 'approved']`). `resolveTarget` is THE rule for what a transition's `target` names:
 * the validator and the compiler both call it, so what validates is what runs. Pure, and safe on
 * definitions that failed the schema check (wrong shapes are treated as absent).
 */
import { hasOwn, isRecord, type JsonRecord } from './json-shape';
import type { StateSpec } from './types';

export type StatePath = string[];

/**
 * The path of the state a target names, seen from the state at `sourcePath`, or undefined.
 *
 * - A dotted target `a.b` is a path from the root.
 * - A bare name is looked up among the source's siblings, then among the siblings of each
 *   ancestor going up, ending with the top-level states. The nearest match wins.
 */
export function resolveTarget(sourcePath: string[], target: string, root: Record<string, StateSpec>): string[] | undefined {
  if (target.includes('.')) {
    const path = target.split('.');
    return stateAt(root, path) ? path : undefined;
  }
  // The raw records, not childrenAt's copies: copying every sibling list made this O(states) per
  // target, and a 5,000-state definition took seconds to validate and compile.
  for (let depth = sourcePath.length - 1; depth >= 0; depth--) {
    const parent = sourcePath.slice(0, depth);
    const siblings = depth === 0 ? root : (stateAt(root, parent) as JsonRecord | undefined)?.states;
    if (hasState(siblings, target)) return [...parent, target];
  }
  return hasState(root, target) ? [target] : undefined;
}

/** The state at a path, or undefined. */
export function stateAt(root: Record<string, StateSpec>, path: readonly string[]): StateSpec | undefined {
  let states: unknown = root;
  let spec: unknown;
  for (const name of path) {
    if (!hasState(states, name)) return undefined;
    spec = (states as JsonRecord)[name];
    states = (spec as JsonRecord).states;
  }
  return path.length > 0 ? (spec as StateSpec) : undefined;
}

/** The child states of the state at a path (the top-level states for the empty path). */
export function childrenAt(root: Record<string, StateSpec>, path: readonly string[]): Record<string, StateSpec> {
  if (path.length === 0) return stateRecord(root);
  return childStates(stateAt(root, path));
}

/** A state's children that are state-shaped (mappings), by name. */
export function childStates(spec: StateSpec | undefined): Record<string, StateSpec> {
  return stateRecord(spec?.states);
}

export const isFinal = (spec: StateSpec | undefined): boolean => spec?.type === 'final';
export const isParallel = (spec: StateSpec | undefined): boolean => spec?.type === 'parallel';
export const hasChildren = (spec: StateSpec | undefined): boolean => Object.keys(childStates(spec)).length > 0;

/** Calls `visit` for every state, parents before children. */
export function forEachState(
  root: Record<string, StateSpec>,
  visit: (path: StatePath, spec: StateSpec) => void,
  prefix: StatePath = [],
): void {
  for (const [name, spec] of Object.entries(stateRecord(root))) {
    const path = [...prefix, name];
    visit(path, spec);
    forEachState(childStates(spec), visit, path);
  }
}

/** Every state's dotted path, parents first. */
export function allStatePaths(root: Record<string, StateSpec>): string[] {
  const out: string[] = [];
  forEachState(root, (path) => out.push(path.join('.')));
  return out;
}

/** The bare names a transition from `sourcePath` can reach (siblings, ancestors' siblings, top level). */
export function visibleNames(sourcePath: readonly string[], root: Record<string, StateSpec>): string[] {
  const names = new Set<string>();
  for (let depth = sourcePath.length - 1; depth >= 0; depth--) {
    for (const name of Object.keys(childrenAt(root, sourcePath.slice(0, depth)))) names.add(name);
  }
  for (const name of Object.keys(stateRecord(root))) names.add(name);
  return [...names];
}

function hasState(states: unknown, name: string): boolean {
  return isRecord(states) && hasOwn(states, name) && isRecord(states[name]);
}

function stateRecord(value: unknown): Record<string, StateSpec> {
  // No prototype: a state named like an Object.prototype member stays an ordinary entry.
  const out = Object.create(null) as Record<string, StateSpec>;
  if (!isRecord(value)) return out;
  for (const [name, spec] of Object.entries(value)) if (isRecord(spec)) out[name] = spec as StateSpec;
  return out;
}
