/**
 * Every deadline a case armed, with its due time and whether it was met or missed (and by how
 * much), plus the totals an auditor asks for first: time to first response and time to resolve,
 * against the targets the definition's decision tables set. Built from an offline re-run with the
 * pinned definition (which knows each deadline's name and due time) and the transitions. Pure.
 */
import { offersEvents, stateAt } from '../compiler/state-paths';
import type { Actor } from '../contract/wire';
import type { ProcessDefinition } from '../dsl/types';
import type { RerunDeadline, RerunResult, RerunTransition } from './rerun';

export interface DeadlineReport {
  name: string;
  /** Dotted path of the state that armed it. */
  state: string;
  armedAt: string;
  due: string;
  target?: string;
  delayMs: number;
  /** Where the delay comes from: `decide.responseDeadline` (a decision table) or a literal such as `4h`. */
  source: string;
  /**
   * `deadline`: someone must act in the state before it passes. `wait`: a timer that is the normal
   * way on (the state offers no event to beat it), such as waiting three days before a follow-up.
   */
  kind: 'deadline' | 'wait';
  /**
   * Deadlines: `met` (the state was left in time), `missed` (it fired) or `pending`. Waits:
   * `elapsed`, `cancelled` (the case moved on first) or `pending`.
   */
  status: 'met' | 'missed' | 'elapsed' | 'cancelled' | 'pending';
  /** Met: the time to spare. */
  marginMs?: number;
  /** Missed: how late the step the deadline waited for came; to the end of the record when it never came. */
  lateByMs?: number;
  /** Missed and never done by the end of the record. */
  stillOpen?: boolean;
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
  return rerun.deadlines.map((d) => report(d, definition, rerun.transitions, rerun.endedAt));
}

function report(d: RerunDeadline, def: ProcessDefinition, transitions: RerunTransition[], endedAt: string): DeadlineReport {
  const path = d.state.split('.');
  const spec = stateAt(def, path);
  const index = Number(d.key.slice(d.key.lastIndexOf('#') + 1));
  const delay = spec?.after?.[index]?.delay;
  const kind: DeadlineReport['kind'] = spec && offersEvents(spec) ? 'deadline' : 'wait';
  const out: DeadlineReport = {
    name: d.name,
    state: d.state,
    armedAt: d.armedAt,
    due: d.due,
    target: d.target,
    delayMs: Date.parse(d.due) - Date.parse(d.armedAt),
    source: delay === undefined ? 'unknown' : String(delay),
    kind,
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
    const leaving = transitions.find((t) => t.at === d.endedAt && t.from.some((s) => within(s, d.state)));
    if (leaving) out.by = { at: leaving.at, event: leaving.event, actor: leaving.actor };
    return out;
  }
  out.status = 'missed';
  // The step it waited for: the first event an actor sent, after it fired, that left its state.
  const late = transitions.find((t) => t.actor && Date.parse(t.at) >= Date.parse(d.endedAt!) && t.from.some((s) => within(s, d.state)));
  if (late) {
    out.lateByMs = Date.parse(late.at) - due;
    out.by = { at: late.at, event: late.event, actor: late.actor };
  } else {
    out.stillOpen = true;
    out.lateByMs = Date.parse(endedAt) - due;
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
    const guarding = deadlines.find((d) => d.kind === 'deadline');
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

/** Whether an actor can do something in the state (or a state inside it) that leaves before a timer. */

const within = (state: string, ancestor: string) => state === ancestor || state.startsWith(`${ancestor}.`);
