/**
 * Verifies the signed actor of every `event` Update and Signal inside the workflow (see
 * contract/actor-assertion.ts). Set handlers never see Temporal headers, so this is a workflow
 * inbound interceptor (registered as a workflow interceptor module: worker/create-worker.ts,
 * worker/workflow-bundle.ts, audit/replay.ts). It replaces the event's actor with the
 * asserted one (canonical id, the assertion's roles, the issuer that vouched for the person), or
 * marks the event as refused, `UNAUTHENTICATED`:
 *
 * - Update: marked as refused in `validateUpdate` and refused by the workflow's own validator (the
 *   event gate, which counts it in docket_events), so a refusal leaves no trace in the history.
 *   The validator does not run again on replay (Temporal core sends `runValidator: false` for Updates already in the history: sdk-core
 *   workflow_activation.proto `DoUpdate.run_validator`, and @temporalio/workflow 1.24.0
 *   `Activator.doUpdate` skips the validator and its interceptors then). So `handleUpdate`
 *   verifies again to learn the actor; it is deterministic: the keys come from the recorded
 *   `resolveDefinition` result, the header from the recorded Update, the time from the workflow
 *   clock of the same activation.
 * - Signal: a refused one reaches the Signal handler marked, which records it as a `rejected`
 *   timeline entry with the code (and logs it once: the workflow log is silent on replay).
 *
 * The rule (`ActorTrust`) is set by the workflow once its definition is resolved. Until then events
 * pass through to the workflow's CASE_STARTING refusal. Histories recorded before signed actors
 * have no rule (`actors` absent): their events pass through unchanged, so they replay as they ran.
 */
import {
  defaultPayloadConverter,
  log,
  workflowInfo,
  type Next,
  type SignalInput,
  type UpdateInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { ACTOR_ASSERTION_HEADER, verifyActorAssertion, type ActorTrust, type VerifiedActor } from '../contract/actor-assertion';
import { canonicalActorId } from '../contract/actor-id';
import { refusal } from './refusal';
import { checkEventShape, isEventObject } from '../compiler/event-gate';
import { EVENT_SIGNAL, EVENT_UPDATE, type EventInput, type Rejection } from '../contract/wire';

/** The rule of this run (module state lives as long as one run of one case). `null`: a history from before signed actors. */
let trust: ActorTrust | null | undefined;
/** Events this interceptor let through, with the actor it verified. */
const passed = new WeakSet<object>();
/** Signalled events it refused, with the reason. */
const refused = new WeakMap<object, Rejection>();

/** Called by the workflow once the definition is resolved. */
export function trustActors(rule: ActorTrust | undefined): void {
  trust = rule ?? null;
}

/**
 * Why an event must be refused before the event gate looks at it: a Signal whose assertion failed,
 * or an event that did not pass through this interceptor although signed actors are required (the
 * worker's workflow code was bundled without it: fail closed).
 */
export function actorRefusal(event: unknown): Rejection | undefined {
  // Not an event at all (null, a string, a number, bytes, an undecodable payload): the interceptor let it through for the gate's
  // shape check, whose INVALID_EVENT says what is wrong; refused here so it learns nothing of the case.
  if (!isEventObject(event)) return trust?.required ? checkEventShape(event as EventInput) : undefined;
  const rejection = refused.get(event);
  if (rejection) return rejection;
  if (passed.has(event)) return undefined;
  if (trust?.required)
    return {
      code: 'UNAUTHENTICATED',
      message: 'this worker requires signed actors, but its workflow code has no actor interceptor (workflows/actor-verification.ts)',
    };
  return undefined;
}

type Verdict = { event: EventInput } | { rejection: Rejection };

function verdict(args: unknown[], headers: UpdateInput['headers']): Verdict | undefined {
  if (trust === undefined || trust === null) return undefined; // starting, or a history from before signed actors
  const event = args[0] as EventInput;
  if (!isEventObject(event)) return undefined; // the event gate refuses it (INVALID_EVENT)
  const payload = headers[ACTOR_ASSERTION_HEADER];
  if (!payload) {
    if (trust.required) return { rejection: unauthenticated('no signed actor assertion (header docket-actor); this worker requires one') };
    // Unsigned actors allowed (development): the body's actor, with its id in canonical form.
    const actor = event.actor as EventInput['actor'] | undefined;
    return { event: actor && typeof actor.id === 'string' ? { ...event, actor: { ...actor, id: canonicalActorId(actor.id) } } : event };
  }
  let assertion: unknown;
  try {
    assertion = defaultPayloadConverter.fromPayload(payload);
  } catch {
    return { rejection: unauthenticated('the actor assertion header is not a JSON payload') };
  }
  const check = verifyActorAssertion(assertion, {
    caseId: workflowInfo().workflowId,
    eventType: typeof event.type === 'string' ? event.type : '',
    bodyActor: event.actor,
    nowMs: Date.now(),
    keys: trust.keys,
  });
  if (!check.ok) return { rejection: unauthenticated(check.reason) };
  const actor: VerifiedActor = check.actor;
  return { event: { ...event, actor } };
}

function unauthenticated(reason: string): Rejection {
  return { code: 'UNAUTHENTICATED', message: `the event's actor is not verified: ${reason}` };
}

/** Lets a refused event through to the workflow's handler or validator, which refuses it by `actorRefusal`. */
function markRefused<T extends UpdateInput | SignalInput>(input: T, rejection: Rejection): T {
  refused.set(input.args[0] as object, rejection);
  return input;
}

function pass(input: UpdateInput, event: EventInput): UpdateInput {
  passed.add(event);
  return { ...input, args: [event, ...input.args.slice(1)] };
}

class ActorVerification implements WorkflowInboundCallsInterceptor {
  validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    if (input.name !== EVENT_UPDATE) return next(input);
    const v = verdict(input.args, input.headers);
    if (!v) return next(input);
    if ('rejection' in v) {
      // Validators run live only (never on replay), so this is logged once per refused Update.
      log.warn('refused an event Update: actor not verified', {
        code: v.rejection.code,
        reason: v.rejection.message,
        event: String((input.args[0] as EventInput)?.type).slice(0, 200),
      });
      // As for a Signal: the workflow's own gate refuses it (and counts it in docket_events);
      // refused here too in case that validator lets it through (fail closed).
      next(markRefused(input, v.rejection));
      throw refusal(v.rejection);
    }
    return next(pass(input, v.event));
  }

  handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    if (input.name !== EVENT_UPDATE) return next(input);
    const v = verdict(input.args, input.headers);
    if (!v) return next(input);
    // Live, the validator refused this already; on replay only accepted Updates are in the history.
    if ('rejection' in v) return Promise.reject(refusal(v.rejection));
    return next(pass(input, v.event));
  }

  handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    if (input.signalName !== EVENT_SIGNAL) return next(input);
    const v = verdict(input.args, input.headers);
    if (!v) return next(input);
    if ('rejection' in v) return next(markRefused(input, v.rejection));
    passed.add(v.event);
    return next({ ...input, args: [v.event, ...input.args.slice(1)] });
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new ActorVerification()] });
