/**
 * Process-wide events (the top-level `on`): transitions whose source is the process itself, so
 * they are taken in any state until the case ends. The validator checks them like a state's
 * `on` (targets, events and roles, expressions, assigned keys), seen from the root: a bare
 * target names a top-level state. Pure.
 */
import { asRecord, type JsonRecord } from './json-shape';
import { transitionsOf, type TransitionRef } from './transitions';
import type { StateSpec } from './types';

/** The process-wide transitions, with paths `on.<EVENT>…` into the definition. */
export function processTransitions(def: JsonRecord): TransitionRef[] {
  if (def.on === undefined) return [];
  return transitionsOf([], { on: asRecord(def.on) } as StateSpec);
}
