/**
 * Who may send what: every event used in `on` is declared under `events`, every role named in
 * a `by` is declared under `roles`, and a transition's `by` only narrows its event's `by`. Pure.
 */
import { formatPath, type PathSegment } from './diagnostics';
import { asRecord, hasOwn, stringItems, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';
import { forEachState } from './state-tree';
import { didYouMean, listNames, suggest } from './suggest';
import { processTransitions } from './process-events';
import { transitionsOf, type TransitionRef } from './transitions';
import type { StateSpec } from './types';

/** Events XState sends itself (`xstate.init`, `xstate.done.actor.*`, …); definitions may not use them. */
const RESERVED_PREFIX = 'xstate.';

export function checkEvents(def: JsonRecord, reporter: Reporter): void {
  const roles = stringItems(def.roles).map(([, role]) => role);
  const events = asRecord(def.events);
  const checkRoles = (by: unknown, at: PathSegment[]): string[] => {
    const known: string[] = [];
    for (const [i, role] of stringItems(by)) {
      if (roles.includes(role)) known.push(role);
      else reporter.report('UNKNOWN_ROLE', [...at, i], unknownRole(role, formatPath(at), roles));
    }
    return known;
  };
  for (const [name, spec] of Object.entries(events)) checkRoles(asRecord(spec).by, ['events', name, 'by']);
  for (const [i, name] of stringItems(def.distinctActors)) {
    if (!hasOwn(events, name)) reporter.report('UNDECLARED_EVENT', ['distinctActors', i], undeclared(name, Object.keys(events)));
  }

  const transitions: TransitionRef[] = [...processTransitions(def)];
  forEachState(asRecord(def.states) as Record<string, StateSpec>, (path, spec) => void transitions.push(...transitionsOf(path, spec)));
  for (const t of transitions) {
    const byPath = [...t.path, 'by'];
    if (t.event === undefined) {
      if (t.spec.by !== undefined) {
        reporter.report(
          'BY_WITHOUT_EVENT',
          byPath,
          `"by" only applies to event transitions (under on); remove it from this ${t.kind} transition`,
          { key: true },
        );
      }
      continue;
    }
    if (t.event.startsWith(RESERVED_PREFIX)) {
      reporter.report('RESERVED_EVENT', t.keyPath, `event name "${t.event}" is reserved for the engine (xstate.*); use another name`, {
        key: true,
      });
      continue;
    }
    if (!hasOwn(events, t.event)) {
      reporter.report('UNDECLARED_EVENT', t.keyPath, undeclared(t.event, Object.keys(events)), { key: true });
      checkRoles(t.spec.by, byPath);
      continue;
    }
    const allowed = stringItems(asRecord(events[t.event]).by).map(([, role]) => role);
    for (const role of checkRoles(t.spec.by, byPath)) {
      if (allowed.includes(role)) continue;
      const i = stringItems(t.spec.by).find(([, r]) => r === role)?.[0] ?? 0;
      reporter.report(
        'ROLE_NOT_ALLOWED',
        [...byPath, i],
        `role "${role}" may not send ${t.event} (events.${t.event}.by: ${allowed.join(', ')}); add it there or remove it here`,
      );
    }
  }
}

function unknownRole(role: string, where: string, roles: string[]): string {
  if (roles.length === 0) return `unknown role "${role}" in ${where} (no roles are declared; add it to roles)`;
  const near = suggest(role, roles);
  return `unknown role "${role}" in ${where} (${near ? `did you mean "${near}"? ` : ''}declared roles: ${listNames(roles)})`;
}

function undeclared(event: string, declared: string[]): string {
  if (declared.length === 0)
    return `event "${event}" is not declared (no events are declared; add it under events with the roles that may send it)`;
  const hint = didYouMean(event, declared);
  return `event "${event}" is not declared in events${hint || ` (declared events: ${listNames(declared)})`}`;
}
