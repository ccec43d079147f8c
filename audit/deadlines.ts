/**
 * Every deadline a case armed, with its due time and whether it was met or missed (and by how
 * much), plus the totals an auditor asks for first: time to first response and time to resolve,
 * against the targets the definition's decision tables set. Built from an offline re-run with the
 * pinned definition (which knows each deadline's name and due time) and the transitions. Pure.
 */
import { stateAt } from '../compiler/state-paths';
import { timerIndex, timerKind } from '../compiler/timer-kind';
import type { Actor } from '../contract/wire';
import type { ProcessDefinition } from '../dsl/types';
import type { RerunDeadline, RerunResult, RerunTransition } from './rerun';

export interface DeadlineReport {
  name: string;
  /** Dotted path of the state that armed it. */
  state: string;
  armedAt: string;
  due: string;
  /** When it fired or its state was left; undefined while pending. */
  endedAt?: string;
  target?: string;
  delayMs: number;
  /** Where the delay comes from: `decide.responseDeadline` (a decision table) or a literal such as `4h`. */
  source: string;
  /**
   * `deadline`: an SLA someone must beat in the state. `wait`: a pause, follow-up or window, never
   * graded. As the definition declares (`kind:`), else guessed (compiler/timer-kind.ts).
   */
  kind: 'deadline' | 'wait';
  /** False when the case's definition did not declare the kind and it was guessed. */
  kindDeclared: boolean;
  /**
   * Deadlines: `met` (the state was left in time), `missed` (it fired) or `pending`. Waits:
   * `elapsed`, `cancelled` (the case moved on first) or `pending`.
   */
  status: 'met' | 'missed' | 'elapsed' | 'cancelled' | 'pending';
  /** Met: the time to spare. */
  marginMs?: number;
  /** Missed: how late the step the deadline waited for came; to the end of the record when it never came. */
  lateByMs?: number;
  /** Missed and never done by the end of the record, the case still in the state. */
  stillOpen?: boolean;
  /** Missed, then the case left the state without anyone doing the step: where it went (an escalation's target). */
  movedTo?: string[];
  /** Missed, and the case ended (`completed` or `failed`) in the state without the step being done. */
  endedWithout?: 'completed' | 'failed';
  /** The event that met it, or that came late. */
  by?: { at: string; event: string; actor?: Actor };
}

export interface Target {
  /** The deadline that sets it. */
  deadline: string;
  ms: number;
  source: string;
}

export interface Measure {
  at: string;
  /** From the start of the case. */
  afterMs: number;
  event: string;
  actor?: Actor;
  target?: Target;
  met?: boolean;
}

export interface Totals {
  /** The first event an actor sent that the case took. */
  firstResponse?: Measure;
  /** The last event that left a state holding a resolution deadline; else the end of the case. */
  resolution?: Measure;
  /** Start to end (or to the end of the record, while running). */
  durationMs: number;
  running: boolean;
  deadlines: { total: number; met: number; missed: number; pending: number };
}

export function deadlineReports(rerun: RerunResult, definition: ProcessDefinition = rerun.definition): DeadlineReport[] {
  return rerun.deadlines.map((d) => report(d, definition, rerun));
}

function report(d: RerunDeadline, def: ProcessDefinition, rerun: RerunResult): DeadlineReport {
  const index = timerIndex(d.key);
  const entry = stateAt(def, d.state.split('.'))?.after?.[index];
  const { kind, declared } = timerKind(def, d.state, index);
  const out: DeadlineReport = {
    name: d.name,
    state: d.state,
    armedAt: d.armedAt,
    due: d.due,
    endedAt: d.endedAt,
    target: d.target,
    delayMs: Date.parse(d.due) - Date.parse(d.armedAt),
    source: entry === undefined ? 'unknown' : entry.at !== undefined ? `at ${entry.at}` : String(entry.delay),
    kind,
    kindDeclared: declared,
    status: 'pending',
  };
  const due = Date.parse(d.due);
  if (d.status === 'pending') return out;
  if (kind === 'wait') {
    out.status = d.status === 'fired' ? 'elapsed' : 'cancelled';
    return out;
  }
  if (d.status === 'cleared') {
    out.status = 'met';
    out.marginMs = due - Date.parse(d.endedAt!);
    const leaving = rerun.transitions.find((t) => t.at === d.endedAt && t.from.some((s) => within(s, d.state)));
    if (leaving) out.by = { at: leaving.at, event: leaving.event, actor: leaving.actor };
    return out;
  }
  out.status = 'missed';
  // What became of the step it waited for: the first transition, from when it fired, that took
  // the case out of its state. Sent by an actor: the step, done late. Taken by the engine (the
  // deadline's own escalation, another timer, an invocation's result): the case moved on
  // without it, so it is not "still open", and a later return to the state is another deadline.
  const left = rerun.transitions.find(
    (t) => Date.parse(t.at) >= Date.parse(d.endedAt!) && t.from.some((s) => within(s, d.state)) && !t.to.some((s) => within(s, d.state)),
  );
  if (left?.actor) {
    out.lateByMs = Date.parse(left.at) - due;
    out.by = { at: left.at, event: left.event, actor: left.actor };
  } else if (left) {
    out.movedTo = left.to;
  } else if (rerun.status !== 'running') {
    out.endedWithout = rerun.status;
  } else {
    out.stillOpen = true;
    out.lateByMs = Date.parse(rerun.endedAt) - due;
  }
  return out;
}

export function totals(rerun: RerunResult, deadlines: DeadlineReport[], startedAt: string): Totals {
  const start = Date.parse(startedAt);
  const measure = (t: RerunTransition, target?: Target, due?: string): Measure => ({
    at: t.at,
    afterMs: Date.parse(t.at) - start,
    event: t.event,
    actor: t.actor,
    target,
    met: target ? (due ? Date.parse(t.at) <= Date.parse(due) : Date.parse(t.at) - start <= target.ms) : undefined,
  });
  const asTarget = (d: DeadlineReport): Target => ({ deadline: d.name, ms: d.delayMs, source: d.source });
  const out: Totals = {
    durationMs: Date.parse(rerun.endedAt) - start,
    running: rerun.status === 'running',
    deadlines: {
      total: deadlines.filter((d) => d.kind === 'deadline').length,
      met: deadlines.filter((d) => d.status === 'met').length,
      missed: deadlines.filter((d) => d.status === 'missed').length,
      pending: deadlines.filter((d) => d.kind === 'deadline' && d.status === 'pending').length,
    },
  };

  const first = rerun.transitions.find((t) => t.actor);
  if (first) {
    // The deadline the response answered: the first one armed before it, not one the response
    // itself armed by entering the next state (a resolution target starts with the response).
    const armedByResponse = (d: DeadlineReport) => d.armedAt === first.at && !first.from.some((s) => within(s, d.state));
    const guarding = deadlines.find((d) => d.kind === 'deadline' && Date.parse(d.armedAt) <= Date.parse(first.at) && !armedByResponse(d));
    out.firstResponse = measure(first, guarding && asTarget(guarding), guarding?.due);
  }

  const resolution = deadlines.filter((d) => d.kind === 'deadline' && /resol/i.test(`${d.name} ${d.source}`));
  const resolvedBy = resolution.filter((d) => d.by && d.by.actor).map((d) => d.by!);
  const lastResolved = resolvedBy[resolvedBy.length - 1];
  if (resolution.length && lastResolved) {
    const t = rerun.transitions.find((x) => x.at === lastResolved.at && x.event === lastResolved.event)!;
    out.resolution = measure(t, asTarget(resolution[0]));
  } else if (rerun.status === 'completed' && rerun.transitions.length) {
    out.resolution = measure(rerun.transitions[rerun.transitions.length - 1]);
  }
  return out;
}

const within = (state: string, ancestor: string) => state === ancestor || state.startsWith(`${ancestor}.`);
