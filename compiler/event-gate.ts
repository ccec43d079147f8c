/**
 * Decides whether an event may be applied now, and if not, which rule it breaks.
 *
 * Pure and deterministic, so it runs as the workflow's Update validator (a rejected Update leaves
 * no trace in the history), for Signals (a rejection is recorded in the timeline), and offline in
 * what-if analysis. The rules are checked in the order a person would ask about them.
 */
import type { Actor, EventInput, Rejection } from '../contract/wire';
import { undecodableMessage, undecodableOf } from '../contract/undecodable';
import { suggest } from '../dsl/suggest';
import type { ProcessDefinition, TransitionSpec } from '../dsl/types';
import { evaluateBoolean } from '../dsl/cel';
import { own } from '../dsl/json-shape';
import { checkEventBounds } from './event-limits';
import { schemaValidator } from './schema-validators';
import { variablesFor } from './expressions';
import { activeChain, displayPath, stateAt, transitionList, type StatePath } from './state-paths';

export interface GateScope {
  input: Record<string, unknown>;
  context: Record<string, unknown>;
  now: number;
  caseId?: string;
}

/**
 * Transitions for `eventType` declared on the active states, deepest first (XState's order), then
 * the process-wide ones (the top-level `on`, XState's root: handled last, in every state).
 */
export function candidateTransitions(def: ProcessDefinition, leaves: StatePath[], eventType: string): TransitionSpec[] {
  return [
    ...activeChain(leaves).flatMap((path) => transitionList<TransitionSpec>(own(stateAt(def, path)?.on, eventType))),
    ...transitionList<TransitionSpec>(own(def.on, eventType)),
  ];
}

/** Events that have at least one transition from the active states (or process-wide). */
export function eventsAvailable(def: ProcessDefinition, leaves: StatePath[]): string[] {
  const names = new Set<string>(Object.keys(def.on ?? {}));
  for (const path of activeChain(leaves)) for (const name of Object.keys(stateAt(def, path)?.on ?? {})) names.add(name);
  return [...names].sort();
}

/** Role → events that role may send now (role checks only; guards are checked on arrival). */
export function allowedByRole(def: ProcessDefinition, leaves: StatePath[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const role of def.roles) {
    out[role] = eventsAvailable(def, leaves).filter((type) => mayRoleSend(def, leaves, type, [role]));
  }
  return out;
}

function mayRoleSend(def: ProcessDefinition, leaves: StatePath[], type: string, roles: string[]): boolean {
  const eventRoles = own(def.events, type)?.by ?? [];
  if (!roles.some((r) => eventRoles.includes(r))) return false;
  return candidateTransitions(def, leaves, type).some((t) => !t.by || roles.some((r) => t.by!.includes(r)));
}

/** Returns the reason an event must be refused, or undefined when it may be applied. */
export function checkEvent(def: ProcessDefinition, leaves: StatePath[], event: EventInput, scope: GateScope): Rejection | undefined {
  // Size and depth first: nothing below may walk or convert data the caller made huge or deep.
  const bounds = checkEventBounds(event, def.limits?.eventBytes);
  if (bounds) return bounds;
  const shape = checkEventShape(event);
  if (shape) return shape;
  const { type, actor } = event;
  const spec = own(def.events, type);
  if (!spec) {
    const hint = suggest(type, Object.keys(def.events ?? {}));
    return {
      code: 'UNKNOWN_EVENT',
      message: `unknown event "${type}"${hint ? ` (did you mean "${hint}"?)` : ''}; process "${def.process}" declares: ${Object.keys(def.events ?? {}).join(', ')}`,
    };
  }
  const here = leaves.map(displayPath).join(', ');
  const candidates = candidateTransitions(def, leaves, type);
  if (candidates.length === 0) {
    const allowed = eventsAvailable(def, leaves).filter((t) => mayRoleSend(def, leaves, t, actor.roles));
    return {
      code: 'EVENT_NOT_ALLOWED',
      message: `event ${type} is not allowed in state ${here}; allowed now for ${roleList(actor)}: ${allowed.join(', ') || 'none'}`,
      allowed,
    };
  }
  if (!actor.roles.some((r) => spec.by.includes(r))) {
    return {
      code: 'ROLE_NOT_ALLOWED',
      message: `${roleList(actor)} may not send ${type}; events.${type}.by allows: ${spec.by.join(', ')}`,
    };
  }
  const forRoles = candidates.filter((t) => !t.by || actor.roles.some((r) => t.by!.includes(r)));
  if (forRoles.length === 0) {
    const roles = [...new Set(candidates.flatMap((t) => t.by ?? []))];
    return {
      code: 'ROLE_NOT_ALLOWED',
      message: `${roleList(actor)} may not send ${type} in state ${here}; this step is for: ${roles.join(', ')}`,
    };
  }
  const payload = checkPayload(def, type, event.data ?? {});
  if (payload) return payload;
  return checkGuards(def, type, event, forRoles, scope);
}

/**
 * Whether it can be an event at all: a plain object, not null, a list, bytes (a `binary/plain`
 * payload) or a payload that could not be decoded.
 */
export function isEventObject(event: unknown): event is object {
  return !!event && typeof event === 'object' && !Array.isArray(event) && !ArrayBuffer.isView(event) && !undecodableOf(event);
}

/** INVALID_EVENT when the event is not `{ type, actor: { id, roles }, data? }`; the message says which part. */
export function checkEventShape(event: EventInput): Rejection | undefined {
  const e = event as Partial<EventInput> | undefined;
  const undecodable = undecodableOf(e);
  if (undecodable) return { code: 'INVALID_EVENT', message: undecodableMessage("the event's payload", undecodable) };
  const problem = !isEventObject(e)
    ? 'the event must be an object { type, actor: { id, roles }, data }'
    : typeof e.type !== 'string' || !e.type
      ? 'event.type must be a non-empty string'
      : !e.actor || typeof e.actor.id !== 'string' || !e.actor.id
        ? 'event.actor.id must name who sends the event'
        : !Array.isArray(e.actor.roles) || !e.actor.roles.every((r) => typeof r === 'string')
          ? 'event.actor.roles must be a list of role names'
          : e.data !== undefined && e.data !== null && (typeof e.data !== 'object' || Array.isArray(e.data))
            ? 'event.data must be an object when given (null counts as absent)'
            : undefined;
  return problem ? { code: 'INVALID_EVENT', message: problem } : undefined;
}

function checkPayload(def: ProcessDefinition, type: string, data: Record<string, unknown>): Rejection | undefined {
  const schema = own(def.events, type)?.data;
  if (!schema) return undefined;
  // Compiled once per worker and schema, only when an event of this type is first checked.
  const validate = schemaValidator('eventData', schema);
  if (validate(data)) return undefined;
  const problems = (validate.errors ?? []).map((e) => {
    const where = `data${e.instancePath.replace(/\//g, '.')}`;
    if (e.keyword === 'required') return `${where}.${(e.params as { missingProperty: string }).missingProperty}: is required`;
    if (e.keyword === 'additionalProperties')
      return `${where}.${(e.params as { additionalProperty: string }).additionalProperty}: is not allowed`;
    return `${where}: ${e.message}`;
  });
  return { code: 'INVALID_PAYLOAD', message: `${type} payload does not match events.${type}.data: ${problems.join('; ')}` };
}

function checkGuards(
  def: ProcessDefinition,
  type: string,
  event: EventInput,
  transitions: TransitionSpec[],
  scope: GateScope,
): Rejection | undefined {
  const failed: string[] = [];
  for (const t of transitions) {
    if (!t.if) return undefined;
    try {
      // The decisions a condition reads are evaluated here too, so their errors (a unique table with
      // two matching rules, a missing key) refuse the event like the condition's own.
      const vars = variablesFor(def, t.if, { ...scope, event: { type, actor: event.actor, data: event.data ?? {} } });
      if (evaluateBoolean(t.if, vars)) return undefined;
      failed.push(t.description ? `${t.description} (\`${t.if}\`)` : `\`${t.if}\``);
    } catch (err) {
      failed.push(`\`${t.if}\` could not be evaluated: ${(err as Error).message}`);
    }
  }
  return { code: 'GUARD_FAILED', message: `${type} refused: the condition ${failed.join(' and ')} is false` };
}

function roleList(actor: Actor): string {
  return `${actor.id} (${actor.roles.length ? `role ${actor.roles.join(', ')}` : 'no roles'})`;
}
