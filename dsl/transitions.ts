/**
 * Every transition of a state, whatever its spelling (`on`, `always`, `after`, `onDone` (a join),
 * `invoke.onDone`, `invoke.onError`; a target name, a transition or a list), with the path to it in the
 * definition so problems can be placed in the file. Pure; skips parts of the wrong shape.
 */
import type { PathSegment } from './diagnostics';
import { asRecord, isRecord, type JsonRecord } from './json-shape';
import type { StatePath } from './state-tree';
import type { StateSpec } from './types';

export type TransitionKind = 'on' | 'always' | 'after' | 'onDone' | 'onError' | 'join';

export interface TransitionRef {
  kind: TransitionKind;
  /** The event name, for `on` transitions. */
  event?: string;
  /** Path to the key the transition hangs from: `on.<EVENT>`, `always`, `after[i]`, `invoke.onDone`, `invoke.onError`. */
  keyPath: PathSegment[];
  /** Path to the transition in the definition (to the string itself for the short form). */
  path: PathSegment[];
  /** The transition as an object (`{ target }` for the short form). */
  spec: JsonRecord;
  /** Path to the target name. */
  targetPath: PathSegment[];
}

/** `['review', 'approved']` → `['states', 'review', 'states', 'approved']`. */
export function definitionPath(statePath: StatePath): PathSegment[] {
  return statePath.flatMap((name) => ['states', name]);
}

export function transitionsOf(statePath: StatePath, spec: StateSpec): TransitionRef[] {
  const base = definitionPath(statePath);
  const out: TransitionRef[] = [];
  for (const [event, input] of Object.entries(asRecord(spec.on))) {
    out.push(...spellings('on', input, [...base, 'on', event], event));
  }
  out.push(...spellings('always', spec.always, [...base, 'always']));
  if (Array.isArray(spec.after)) {
    spec.after.forEach((delay, i) => {
      const path = [...base, 'after', i];
      if (isRecord(delay)) out.push({ kind: 'after', keyPath: path, path, spec: delay, targetPath: [...path, 'target'] });
    });
  }
  // A join: the state's own onDone (compound or parallel), taken when it is done.
  out.push(...spellings('join', spec.onDone, [...base, 'onDone']));
  const invoke = asRecord(spec.invoke);
  out.push(...spellings('onDone', invoke.onDone, [...base, 'invoke', 'onDone']));
  out.push(...spellings('onError', invoke.onError, [...base, 'invoke', 'onError']));
  return out;
}

function spellings(kind: TransitionKind, input: unknown, keyPath: PathSegment[], event?: string): TransitionRef[] {
  if (typeof input === 'string') return [{ kind, event, keyPath, path: keyPath, spec: { target: input }, targetPath: keyPath }];
  if (isRecord(input)) return [{ kind, event, keyPath, path: keyPath, spec: input, targetPath: [...keyPath, 'target'] }];
  if (!Array.isArray(input)) return [];
  return input.flatMap((item, i) =>
    isRecord(item) ? [{ kind, event, keyPath, path: [...keyPath, i], spec: item, targetPath: [...keyPath, i, 'target'] }] : [],
  );
}
