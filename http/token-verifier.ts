/**
 * Verifies bearer tokens (JWT) with `jose`: signature against the identity provider's keys (a JWKS
 * URL, fetched and cached by jose, or a key file), `iss`, `aud`, `exp`/`nbf`, and the algorithm.
 * The verified claims become the actor through the claim mapping; the id is canonical
 * (actor-id.ts). No hand-written crypto.
 */
import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  importSPKI,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type KeyObject,
  type CryptoKey,
} from 'jose';
import { canonicalActorId } from './actor-id';
import type { ClaimMapping, IdentityConfig } from './identity-config';
import { IdentityConfigError } from './identity-config';

/** Who the token says is acting, after verification and mapping. */
export interface VerifiedActor {
  /** Canonical actor id. */
  id: string;
  /** docket roles, after the role map; sorted, no duplicates. */
  roles: string[];
  /** The `iss` that vouched for this actor. */
  issuer: string;
  /** Seconds since the epoch when the token expires. */
  expiresAt?: number;
}

/** Why a token was refused: logged and counted, and the `detail` of the 401. */
export type AuthFailureReason =
  | 'missing-token'
  | 'malformed'
  | 'expired'
  | 'not-yet-valid'
  | 'bad-signature'
  | 'unknown-key'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'bad-algorithm'
  | 'no-actor-id'
  | 'keys-unavailable';

export class AuthenticationError extends Error {
  override name = 'AuthenticationError';
  constructor(
    readonly reason: AuthFailureReason,
    message: string,
  ) {
    super(message);
  }
}

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedActor>;
}

type KeySource = JWTVerifyGetKey | KeyObject | CryptoKey;

/** A verifier for the configuration's issuer, audience and keys. Reads the key file once. */
export async function createTokenVerifier(config: IdentityConfig): Promise<TokenVerifier> {
  const keys = await keySource(config);
  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys as JWTVerifyGetKey, {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: config.algorithms,
          clockTolerance: config.clockToleranceSeconds,
          requiredClaims: ['exp'],
        }));
      } catch (err) {
        throw asAuthenticationError(err);
      }
      return actorFromClaims(payload, config.claims, config.issuer);
    },
  };
}

/** Claims → actor, through the claim mapping. Exported for tests. */
export function actorFromClaims(payload: JWTPayload, claims: ClaimMapping, issuer: string): VerifiedActor {
  const rawId = claimAt(payload, claims.id);
  const id = typeof rawId === 'string' ? canonicalActorId(rawId) : '';
  if (!id) throw new AuthenticationError('no-actor-id', `the token has no actor id in claim "${claims.id}"`);
  const roles = new Set<string>();
  for (const path of claims.roles) {
    const value = claimAt(payload, path);
    const names = Array.isArray(value)
      ? value.filter((v): v is string => typeof v === 'string')
      : typeof value === 'string'
        ? value.split(/\s+/)
        : [];
    for (const name of names.map((n) => n.trim()).filter(Boolean)) {
      const mapped = Object.prototype.hasOwnProperty.call(claims.roleMap, name)
        ? claims.roleMap[name]
        : claims.keepUnmappedRoles
          ? name
          : undefined;
      if (mapped) roles.add(mapped);
    }
  }
  return { id, roles: [...roles].sort(), issuer, expiresAt: payload.exp };
}

function claimAt(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (!value || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

async function keySource(config: IdentityConfig): Promise<KeySource> {
  if (config.jwksUrl) return createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  const file = config.keyFile!;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new IdentityConfigError(`keyFile ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (text.includes('-----BEGIN PUBLIC KEY-----')) return importSPKI(text, config.algorithms[0]);
  try {
    const json = JSON.parse(text) as { keys?: unknown[] };
    return createLocalJWKSet((Array.isArray(json.keys) ? json : { keys: [json] }) as Parameters<typeof createLocalJWKSet>[0]);
  } catch (err) {
    throw new IdentityConfigError(`keyFile ${file}: expected a JWKS, one JWK or a PEM public key (${(err as Error).message})`);
  }
}

function asAuthenticationError(err: unknown): AuthenticationError {
  if (err instanceof errors.JWTExpired) return new AuthenticationError('expired', 'the token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return new AuthenticationError('wrong-issuer', 'the token was not issued by the trusted issuer');
    if (err.claim === 'aud') return new AuthenticationError('wrong-audience', 'the token is not meant for this API (aud)');
    if (err.claim === 'nbf') return new AuthenticationError('not-yet-valid', 'the token is not valid yet');
    return new AuthenticationError('malformed', `the token's "${err.claim}" claim is missing or invalid`);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return new AuthenticationError('bad-signature', 'the token signature does not verify');
  if (err instanceof errors.JWKSNoMatchingKey)
    return new AuthenticationError('unknown-key', 'the token is signed with a key the identity provider does not publish');
  if (err instanceof errors.JOSEAlgNotAllowed)
    return new AuthenticationError('bad-algorithm', 'the token is signed with an algorithm that is not accepted');
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid)
    return new AuthenticationError('keys-unavailable', "the identity provider's keys could not be fetched");
  if (err instanceof errors.JOSEError) return new AuthenticationError('malformed', 'the token is not a valid JWT');
  return new AuthenticationError('keys-unavailable', `the token could not be verified: ${(err as Error)?.message ?? String(err)}`);
}
