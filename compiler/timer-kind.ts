/**
 * Whether an `after` entry is a deadline (an SLA someone must beat, graded met or missed) or a
 * wait (a pause, follow-up or window, never graded). The definition says so with `kind:`; the
 * audit (audit/deadlines.ts) and the case metrics (workflows/case-metrics.ts) read it here so that
 * both grade the same timers. Pure.
 *
 * Definitions written before `kind` existed (and the cases they started, whose recorded
 * definition has none) keep the old guess: a timer in a state that takes events is a deadline,
 * one in a state that takes none is a wait. The guess is what issue 13 found wrong (a deadline on
 * a parent whose events are handled by its children, a reopen window that takes REOPEN), so the
 * report says when a kind was guessed.
 */
import type { ProcessDefinition, StateSpec, TimerKind } from '../dsl/types';
import { stateAt } from './state-paths';

export interface ResolvedTimerKind {
  kind: TimerKind;
  /** False when the definition did not say and the kind was guessed. */
  declared: boolean;
}

/** The kind of the `index`-th `after` entry of the state at the dotted `state` path. */
export function timerKind(def: ProcessDefinition, state: string, index: number): ResolvedTimerKind {
  const spec = stateAt(def, state.split('.'));
  const declared = spec?.after?.[index]?.kind;
  if (declared) return { kind: declared, declared: true };
  return { kind: spec && offersEvents(spec) ? 'deadline' : 'wait', declared: false };
}

/** The index of an `after` entry from its key (`<node id>#<index>`, compiler/compile.ts deadlineKey). */
export const timerIndex = (key: string): number => Number(key.slice(key.lastIndexOf('#') + 1));

/** The old guess: whether a state (or a state inside it) takes events. */
function offersEvents(spec: StateSpec): boolean {
  if (spec.on && Object.keys(spec.on).length) return true;
  return Object.values(spec.states ?? {}).some(offersEvents);
}
