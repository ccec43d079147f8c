/**
 * Who may start which process and read which case: the `access` rules of the identity
 * configuration, checked by the server. Every refusal names the rule that refused it
 * (`access.start.complaint`, `access.read.customer`), so the process owner knows which line to
 * change. Pure: the case's facts are passed in.
 */
import { canonicalActorId } from './actor-id';
import type { AccessRules, ReadRule } from './identity-config';
import { ProblemError } from './problem';
import type { VerifiedActor } from './token-verifier';

/** Throws ACCESS_DENIED unless one of the actor's roles may start `process`. */
export function checkStart(rules: AccessRules, actor: VerifiedActor, process: string): void {
  if (!rules.start) return;
  const key = Object.prototype.hasOwnProperty.call(rules.start, process)
    ? process
    : Object.prototype.hasOwnProperty.call(rules.start, '*')
      ? '*'
      : undefined;
  const allowed = key ? rules.start[key] : [];
  if (actor.roles.some((role) => allowed.includes(role))) return;
  throw new ProblemError(
    'ACCESS_DENIED',
    key
      ? `${actor.id} (roles ${actor.roles.join(', ') || 'none'}) may not start ${process}; access.start.${key} allows: ${allowed.join(', ') || 'nobody'}`
      : `${actor.id} may not start ${process}: access.start names no rule for it (nor "*")`,
    { rule: key ? `access.start.${key}` : 'access.start' },
  );
}

/** The read rules that apply to the actor: one per role that has one (`*` applies to everyone). */
function readRules(rules: AccessRules, actor: VerifiedActor): Array<{ key: string; rule: ReadRule }> {
  const read = rules.read!;
  const out: Array<{ key: string; rule: ReadRule }> = [];
  for (const key of [...actor.roles, '*']) {
    if (Object.prototype.hasOwnProperty.call(read, key)) out.push({ key, rule: read[key] });
  }
  return out;
}

/** Whether the actor may list every case (a read rule `all`). Throws ACCESS_DENIED otherwise. */
export function checkReadAll(rules: AccessRules, actor: VerifiedActor): void {
  if (!rules.read) return;
  const applying = readRules(rules, actor);
  if (applying.some((r) => r.rule === 'all')) return;
  throw new ProblemError(
    'ACCESS_DENIED',
    `${actor.id} may not list cases: ${applying.length ? `${applying.map((r) => `access.read.${r.key}`).join(', ')} allows only their own cases` : 'access.read has no rule for their roles'}`,
    { rule: applying.length ? `access.read.${applying[0].key}` : 'access.read' },
  );
}

/**
 * Throws ACCESS_DENIED unless the actor may read the case: a rule `all`, or `{ own: field }` with
 * the case's `field` (its context, else its start input) equal to the actor id.
 */
export function checkRead(rules: AccessRules, actor: VerifiedActor, caseId: string, facts: Record<string, unknown>): void {
  if (!rules.read) return;
  const applying = readRules(rules, actor);
  for (const { rule } of applying) {
    if (rule === 'all') return;
    const owner = facts[rule.own];
    if (typeof owner === 'string' && canonicalActorId(owner) === actor.id) return;
  }
  throw new ProblemError(
    'ACCESS_DENIED',
    applying.length
      ? `${actor.id} may not read case ${caseId}: ${applying.map((r) => `access.read.${r.key}`).join(', ')} allows only cases whose ${applying.map((r) => (r.rule === 'all' ? '' : r.rule.own)).join(', ')} is ${actor.id}`
      : `${actor.id} may not read case ${caseId}: access.read has no rule for roles ${actor.roles.join(', ') || '(none)'}`,
    { rule: applying.length ? `access.read.${applying[0].key}` : 'access.read' },
  );
}
