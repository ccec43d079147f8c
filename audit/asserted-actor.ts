/**
 * The actor the workflow took for a recorded event: the asserted one when the event carried a
 * signed actor assertion that verifies with the keys recorded in the case's resolveDefinition
 * result, as workflows/actor-verification.ts decides it. Used by the offline re-run and the
 * history facts; the replay runs the workflow's own check. Pure.
 *
 * A Signal is checked at the time it was recorded (the workflow checks it at the workflow task
 * that delivers it, a moment later), so an assertion that expired in between is the one case
 * where the two could differ.
 */
import { ACTOR_ASSERTION_HEADER, verifyActorAssertion, type ActorTrust } from '../contract/actor-assertion';
import { canonicalActorId } from '../contract/actor-id';
import type { EventInput, Rejection } from '../contract/wire';
import { decodePayloads } from './history-events';
import { checkEventShape, isEventObject } from '../compiler/event-gate';

type Header = { fields?: Record<string, unknown> | null } | null | undefined;

export function assertedEvent(
  event: EventInput,
  header: Header,
  trust: ActorTrust | undefined,
  caseId: string,
  atMs: number,
): { event: EventInput; refusal?: Rejection } {
  if (!trust) return { event }; // before signed actors
  // Not an event at all (null, a list, bytes, an undecodable payload): refused for its shape, as
  // workflows/actor-verification.ts `actorRefusal` refuses it, before anything about the case.
  if (!isEventObject(event)) return trust.required ? { event, refusal: checkEventShape(event) } : { event };
  const payload = header?.fields?.[ACTOR_ASSERTION_HEADER];
  if (!payload) {
    if (trust.required)
      return { event, refusal: unauthenticated('no signed actor assertion (header docket-actor); this worker requires one') };
    const actor = event.actor;
    return { event: actor && typeof actor.id === 'string' ? { ...event, actor: { ...actor, id: canonicalActorId(actor.id) } } : event };
  }
  const [assertion] = decodePayloads({ payloads: [payload as never] });
  const check = verifyActorAssertion(assertion, {
    caseId,
    eventType: String(event.type),
    bodyActor: event.actor,
    nowMs: atMs,
    keys: trust.keys,
  });
  return check.ok ? { event: { ...event, actor: check.actor } } : { event, refusal: unauthenticated(check.reason) };
}

function unauthenticated(reason: string): Rejection {
  return { code: 'UNAUTHENTICATED', message: `the event's actor is not verified: ${reason}` };
}
