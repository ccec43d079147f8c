/**
 * Compares an `expect` step with the simulated case: each mismatch names the key it is under and
 * says what was expected and what the case has. Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import type { PathSegment } from '../dsl/diagnostics';
import { formatDuration, parseDuration } from '../dsl/duration';
import type { Expectation } from './scenario-file';
import type { PendingDeadline } from '../contract/wire';

/** What an expectation reads of a case: the simulator offline, a state view on a server. */
export interface CaseView {
  now: number;
  state: string[];
  status: string;
  outcome?: string;
  failure?: { code: string; message: string };
  context: Record<string, unknown>;
  deadlines: PendingDeadline[];
  /** Invocations made, in order; `input` is undefined where it cannot be seen (on a server). */
  invocations: Array<{ name: string; input?: Record<string, unknown>; status: string }>;
  allowed: Record<string, string[]>;
  /** How far a deadline's `in` may be off: 0 on the virtual clock; on a server, time passes while it is read. */
  toleranceMs?: number;
}

export interface Mismatch {
  /** Under `expect`, e.g. ['context', 'owner']. */
  at: PathSegment[];
  message: string;
}

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

/** Mismatches between `want` and the case; `invokedSince` is the index of the first invocation made since the last expect. */
export function compareExpectation(want: Expectation, sim: CaseView, invokedSince: number): Mismatch[] {
  const out: Mismatch[] = [];
  const differ = (at: PathSegment[], expected: unknown, got: unknown, note = '') =>
    out.push({ at, message: `expected ${show(expected)}, got ${show(got)}${note}` });

  if (want.state !== undefined) {
    const expected = (Array.isArray(want.state) ? want.state : [want.state]).slice().sort();
    const got = sim.state.slice().sort();
    if (!isDeepStrictEqual(expected, got))
      differ(['state'], Array.isArray(want.state) ? expected : want.state, got.length === 1 ? got[0] : got, failureNote(sim));
  }
  if (want.status !== undefined && want.status !== sim.status) differ(['status'], want.status, sim.status, failureNote(sim));
  if (want.outcome !== undefined && want.outcome !== sim.outcome)
    differ(['outcome'], want.outcome, sim.outcome, ` (status ${sim.status})${failureNote(sim)}`);
  if (want.failure !== undefined && want.failure !== sim.failure?.code)
    differ(['failure'], want.failure, sim.failure?.code, sim.failure ? ` (${sim.failure.message})` : ` (status ${sim.status})`);
  for (const [key, value] of Object.entries(want.context ?? {})) {
    const has = Object.prototype.hasOwnProperty.call(sim.context, key);
    if (!has) out.push({ at: ['context', key], message: `expected ${show(value)}, but context has no key "${key}"` });
    else if (!isDeepStrictEqual(value, sim.context[key])) differ(['context', key], value, sim.context[key]);
  }
  if (want.deadlines !== undefined) {
    const got = sim.deadlines;
    const gotText = got.map((d) => `${d.name} in ${formatDuration(Date.parse(d.due) - sim.now)}`);
    want.deadlines.forEach((d, i) => {
      const actual = got[i];
      if (!actual)
        return out.push({
          at: ['deadlines', i],
          message: `expected deadline "${d.name}", but ${got.length === 0 ? 'none is pending' : `only ${got.length} pending: ${gotText.join(', ')}`}`,
        });
      if (actual.name !== d.name) return differ(['deadlines', i, 'name'], d.name, actual.name, ` (pending: ${gotText.join(', ')})`);
      const dueMs = Date.parse(actual.due);
      if (d.in !== undefined && Math.abs(parseDuration(d.in)! - (dueMs - sim.now)) > (sim.toleranceMs ?? 0))
        differ(['deadlines', i, 'in'], d.in, formatDuration(dueMs - sim.now), ` (due ${actual.due})`);
      if (d.due !== undefined && Date.parse(d.due) !== dueMs) differ(['deadlines', i, 'due'], d.due, actual.due);
    });
    if (got.length > want.deadlines.length)
      out.push({
        at: ['deadlines'],
        message: `${got.length - want.deadlines.length} more pending than expected: ${gotText.slice(want.deadlines.length).join(', ')}`,
      });
  }
  if (want.invoked !== undefined) {
    const made = sim.invocations.slice(invokedSince);
    const names = made.map((m) => m.name);
    want.invoked.forEach((w, i) => {
      const actual = made[i];
      if (!actual)
        return out.push({
          at: ['invoked', i],
          message: `expected an invocation of ${w.name}, but ${made.length === 0 ? 'none was made' : `only ${made.length} were made: ${names.join(', ')}`} since the previous expect`,
        });
      if (actual.name !== w.name) return differ(['invoked', i, 'name'], w.name, actual.name, ` (made: ${names.join(', ')})`);
      // On a server only the names are visible (the timeline does not keep inputs): compared offline only.
      if (actual.input === undefined) return;
      for (const [key, value] of Object.entries(w.input ?? {})) {
        if (!isDeepStrictEqual(value, actual.input![key])) differ(['invoked', i, 'input', key], value, actual.input![key]);
      }
    });
    if (made.length > want.invoked.length)
      out.push({
        at: ['invoked'],
        message: `${made.length - want.invoked.length} more invocations than expected: ${names.slice(want.invoked.length).join(', ')}`,
      });
  }
  if (want.pending !== undefined) {
    const got = sim.invocations.filter((i) => i.status === 'pending').map((i) => i.name);
    if (!isDeepStrictEqual(want.pending, got)) differ(['pending'], want.pending, got);
  }
  for (const [role, events] of Object.entries(want.allowed ?? {})) {
    const got = sim.allowed[role] ?? [];
    if (!isDeepStrictEqual(events.slice().sort(), got.slice().sort())) differ(['allowed', role], events, got);
  }
  return out;
}

function failureNote(sim: CaseView): string {
  return sim.failure ? ` (the case failed: ${sim.failure.code}: ${sim.failure.message})` : '';
}
