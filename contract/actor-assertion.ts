/**
 * Signed actor assertions: how a trusted caller (the HTTP API, a ProcessClient given a signing
 * key, the CLI in development) vouches to the workflow for who sends an event.
 *
 * The caller puts an assertion in the Temporal header `docket-actor` of each `event` Update and
 * Signal: claims (actor id and roles, the issuer that vouched for the person, the case id, the
 * event type, an expiry) signed with Ed25519. The workflow verifies it with the public keys the
 * worker trusts (recorded in the case's history by the `resolveDefinition` step) and takes the
 * actor from the claims, never from the event body.
 *
 * Runs in the workflow sandbox (no Node built-ins, no Buffer, no atob): Ed25519 from
 * @noble/curves, sha512 from @noble/hashes, canonical JSON from dsl/hash.ts, hex encoding. Pure
 * and deterministic: verification takes the time it checks expiry against as an argument.
 */
import { ed25519 } from '@noble/curves/ed25519';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils';
import { canonicalJson } from '../dsl/hash';
import { canonicalActorId } from './actor-id';
import type { Actor } from './wire';

/** The Temporal header that carries the assertion (a JSON payload). */
export const ACTOR_ASSERTION_HEADER = 'docket-actor';
/** Signed bytes are this prefix + canonical JSON of the claims, so a signature means nothing elsewhere. */
const SIGNING_CONTEXT = 'docket-actor-assertion/v1\n';
/** Allowed clock difference between the signer and the workflow clock, in seconds. */
export const ASSERTION_CLOCK_TOLERANCE_SECONDS = 30;
/** Default lifetime of an assertion, in seconds: long enough for an Update's retries, short enough that a leaked one is soon useless. */
export const DEFAULT_ASSERTION_TTL_SECONDS = 300;

/** What the signer vouches for. */
export interface ActorClaims {
  v: 1;
  /** Canonical actor id. */
  sub: string;
  /** The roles the actor acts in. */
  roles: string[];
  /** Who vouched for the person: the identity provider's issuer (HTTP API) or the signer's name. */
  iss: string;
  /** The case (workflow id) the event is for. */
  case: string;
  /** The event type. */
  event: string;
  /** Issued at and expiry, seconds since the epoch. */
  iat: number;
  exp: number;
}

/** The header payload. */
export interface ActorAssertion {
  /** Id of the signing key (the trusted key the workflow verifies with). */
  kid: string;
  claims: ActorClaims;
  /** Ed25519 signature, hex. */
  sig: string;
}

/** A public key the worker trusts to vouch for actors. */
export interface TrustedActorKey {
  kid: string;
  /** Ed25519 public key, 32 bytes, hex. */
  publicKey: string;
}

/** What the worker decided about actors; part of the recorded `resolveDefinition` result. */
export interface ActorTrust {
  /** Events without a valid assertion are refused (`UNAUTHENTICATED`). */
  required: boolean;
  keys: TrustedActorKey[];
}

/** The actor the workflow uses for an event: from a verified assertion (with its issuer), or the body's when unsigned actors are allowed. */
export interface VerifiedActor extends Actor {
  /** The issuer that vouched for the actor (absent for an unsigned actor). */
  issuer?: string;
}

/** Signs claims with a 32-byte Ed25519 private key (hex). */
export function signActorClaims(claims: ActorClaims, key: { kid: string; privateKey: string }): ActorAssertion {
  const sig = ed25519.sign(signingBytes(claims), hexToBytes(key.privateKey));
  return { kid: key.kid, claims, sig: bytesToHex(sig) };
}

/** The Ed25519 public key (hex) of a private key (hex). */
export function publicKeyOf(privateKey: string): string {
  return bytesToHex(ed25519.getPublicKey(hexToBytes(privateKey)));
}

export type AssertionCheck = { ok: true; actor: VerifiedActor } | { ok: false; reason: string };

export interface AssertionExpectation {
  caseId: string;
  eventType: string;
  /** The event body's actor, which must be the asserted one (canonical id, same roles). */
  bodyActor: unknown;
  /** Workflow time, milliseconds since the epoch. */
  nowMs: number;
  keys: TrustedActorKey[];
}

/**
 * Verifies an assertion (the decoded header payload, or undefined when there is none) against the
 * trusted keys, the case, the event and the time. Never throws; the reason says what was wrong.
 */
export function verifyActorAssertion(assertion: unknown, expected: AssertionExpectation): AssertionCheck {
  if (assertion === undefined || assertion === null) return { ok: false, reason: 'no signed actor assertion (header docket-actor)' };
  const a = assertion as Partial<ActorAssertion>;
  if (typeof a !== 'object' || typeof a.kid !== 'string' || typeof a.sig !== 'string' || !a.claims || typeof a.claims !== 'object') {
    return { ok: false, reason: 'malformed actor assertion: expected { kid, claims, sig }' };
  }
  const c = a.claims as Partial<ActorClaims>;
  if (
    c.v !== 1 ||
    typeof c.sub !== 'string' ||
    !Array.isArray(c.roles) ||
    !c.roles.every((r) => typeof r === 'string') ||
    typeof c.iss !== 'string' ||
    typeof c.case !== 'string' ||
    typeof c.event !== 'string' ||
    typeof c.exp !== 'number' ||
    typeof c.iat !== 'number'
  ) {
    return { ok: false, reason: 'malformed actor assertion claims' };
  }
  const key = expected.keys.find((k) => k.kid === a.kid);
  if (!key)
    return { ok: false, reason: `actor assertion signed with key "${String(a.kid).slice(0, 100)}", which this worker does not trust` };
  const valid = signatureVerifies(a.sig, c as ActorClaims, key.publicKey);
  if (!valid) return { ok: false, reason: `actor assertion signature does not verify with key "${key.kid}" (forged or altered)` };
  const now = expected.nowMs / 1000;
  if (c.exp + ASSERTION_CLOCK_TOLERANCE_SECONDS < now)
    return { ok: false, reason: `actor assertion expired at ${new Date(c.exp * 1000).toISOString()}` };
  if (c.iat - ASSERTION_CLOCK_TOLERANCE_SECONDS > now) return { ok: false, reason: 'actor assertion issued in the future' };
  if (c.case !== expected.caseId) return { ok: false, reason: `actor assertion is for case "${c.case.slice(0, 200)}", not this one` };
  if (c.event !== expected.eventType) return { ok: false, reason: `actor assertion is for event "${c.event.slice(0, 200)}", not this one` };
  const body = expected.bodyActor as Partial<Actor> | undefined;
  const sub = canonicalActorId(c.sub);
  if (!body || typeof body !== 'object' || typeof body.id !== 'string' || canonicalActorId(body.id) !== sub) {
    return { ok: false, reason: `the event's actor is not the asserted actor "${sub.slice(0, 200)}"` };
  }
  const roles = [...new Set(c.roles)].sort();
  const bodyRoles = Array.isArray(body.roles) ? [...new Set(body.roles.map(String))].sort() : [];
  if (roles.join('\u0000') !== bodyRoles.join('\u0000')) {
    return {
      ok: false,
      reason: `the event's roles (${bodyRoles.join(', ').slice(0, 200)}) are not the asserted roles (${roles.join(', ').slice(0, 200)})`,
    };
  }
  return { ok: true, actor: { id: sub, roles: c.roles, issuer: c.iss } };
}

/**
 * Signatures already checked, by public key, signature and signed text: a verdict computed from
 * those alone, so it may be reused. Each accepted Update is verified twice (its validator, then its
 * handler: actor-verification.ts says why) and again on every replay, and ed25519 in pure
 * JavaScript (the workflow sandbox has no native crypto) takes milliseconds of the worker's one
 * workflow thread. In a worker this module is preloaded (workflows/shared-libraries.ts), so the
 * cache serves every case; bounded, cleared when full.
 */
const verdicts = new Map<string, boolean>();
const MAX_VERDICTS = 2000;

function signatureVerifies(sig: string, claims: ActorClaims, publicKey: string): boolean {
  if (!/^[0-9a-f]{128}$/i.test(sig)) return false;
  const text = SIGNING_CONTEXT + canonicalJson(claims);
  const key = `${publicKey}\u0000${sig.toLowerCase()}\u0000${text}`;
  let valid = verdicts.get(key);
  if (valid === undefined) {
    try {
      valid = ed25519.verify(hexToBytes(sig), utf8ToBytes(text), hexToBytes(publicKey));
    } catch {
      valid = false;
    }
    if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
    verdicts.set(key, valid);
  }
  return valid;
}

function signingBytes(claims: ActorClaims): Uint8Array {
  return utf8ToBytes(SIGNING_CONTEXT + canonicalJson(claims));
}
