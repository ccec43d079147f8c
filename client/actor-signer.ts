/**
 * The signing side of signed actors (see contract/actor-assertion.ts): key files, the development
 * key pair, and the client interceptor that attaches a signed assertion of the event's actor to
 * every `event` Update and Signal a ProcessClient sends.
 *
 * Key files are JWK (Ed25519, `kty: OKP`), so the usual tools read and write them:
 * - the signing key: one private JWK (`d` and `x`), with `kid` and an optional `issuer` (the name
 *   the signer vouches as when it has no identity provider's issuer to pass on);
 * - the trusted keys: a JWKS (`{ "keys": [ … ] }`) of public JWKs with `kid`, read by the worker.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Headers, WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import {
  ACTOR_ASSERTION_HEADER,
  DEFAULT_ASSERTION_TTL_SECONDS,
  publicKeyOf,
  signActorClaims,
  type TrustedActorKey,
} from '../contract/actor-assertion';
import { canonicalActorId } from '../contract/actor-id';
import { EVENT_SIGNAL, EVENT_UPDATE, type EventInput } from '../contract/wire';

/** Issuer of development assertions (`docket dev`, the demo, the CLI with the dev key). */
export const DEV_ACTOR_ISSUER = 'docket-dev';

export interface ActorSigningKey {
  kid: string;
  /** Ed25519 private key, 32 bytes, hex. */
  privateKey: string;
  /** Issuer named in assertions when the caller does not pass one (e.g. a token's `iss`). */
  issuer: string;
}

/** A key file is missing or malformed. */
export class ActorKeyError extends Error {
  override name = 'ActorKeyError';
}

const b64u = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');
const hexOf = (b64: string) => Buffer.from(b64, 'base64url').toString('hex');

/** Reads a signing key (a private Ed25519 JWK with `kid`). */
export function loadActorSigningKey(file: string, defaultIssuer = 'docket-client'): ActorSigningKey {
  const jwk = readJson(file) as { kty?: string; crv?: string; d?: string; kid?: string; issuer?: string };
  if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string' || typeof jwk.kid !== 'string') {
    throw new ActorKeyError(`${file}: expected an Ed25519 private JWK { "kty": "OKP", "crv": "Ed25519", "d": …, "x": …, "kid": … }`);
  }
  const privateKey = hexOf(jwk.d);
  if (privateKey.length !== 64) throw new ActorKeyError(`${file}: "d" is not a 32-byte Ed25519 private key`);
  return { kid: jwk.kid, privateKey, issuer: typeof jwk.issuer === 'string' && jwk.issuer ? jwk.issuer : defaultIssuer };
}

/** Reads trusted public keys (a JWKS, or one public JWK). */
export function loadTrustedActorKeys(file: string): TrustedActorKey[] {
  const json = readJson(file) as { keys?: unknown[] };
  const list = Array.isArray(json?.keys) ? json.keys : [json];
  return list.map((entry, i) => {
    const jwk = entry as { kty?: string; crv?: string; x?: string; kid?: string };
    if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || typeof jwk.kid !== 'string') {
      throw new ActorKeyError(`${file}: key ${i} is not an Ed25519 public JWK with a kid`);
    }
    const publicKey = hexOf(jwk.x);
    if (publicKey.length !== 64) throw new ActorKeyError(`${file}: key ${i} ("${jwk.kid}") is not a 32-byte Ed25519 public key`);
    return { kid: jwk.kid, publicKey };
  });
}

/** The trusted key of a signing key (a worker trusts the key it signs its own system events with). */
export function trustedKeyOf(key: ActorSigningKey): TrustedActorKey {
  return { kid: key.kid, publicKey: publicKeyOf(key.privateKey) };
}

export interface ActorKeyFiles {
  dir: string;
  signingKeyFile: string;
  trustedKeysFile: string;
}

/**
 * A key pair in `dir` (`signing-key.jwk.json`, mode 0600, and `trusted-keys.jwks.json`), created on
 * first use. `docket dev`, the demo and the tests use one under their data directory.
 */
export function ensureActorKeyPair(dir: string, issuer: string = DEV_ACTOR_ISSUER): ActorKeyFiles {
  const signingKeyFile = join(dir, 'signing-key.jwk.json');
  const trustedKeysFile = join(dir, 'trusted-keys.jwks.json');
  if (!existsSync(signingKeyFile) || !existsSync(trustedKeysFile)) {
    mkdirSync(dir, { recursive: true });
    const privateKey = randomBytes(32).toString('hex');
    const kid = `${issuer}-${Date.now().toString(36)}`;
    const x = b64u(publicKeyOf(privateKey));
    writeFileSync(
      signingKeyFile,
      JSON.stringify({ kty: 'OKP', crv: 'Ed25519', d: b64u(privateKey), x, kid, alg: 'EdDSA', issuer }, null, 2),
      { mode: 0o600 },
    );
    chmodSync(signingKeyFile, 0o600);
    writeFileSync(trustedKeysFile, JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' }] }, null, 2));
  }
  return { dir, signingKeyFile, trustedKeysFile };
}

/** The development key pair: `<data dir>/actor-keys/`. */
export function devActorKeyDir(dataDir: string): string {
  return join(dataDir, 'actor-keys');
}

/**
 * Development: the local key pair under `dataDir` (created on first use) becomes the signing key
 * and a trusted key of this process, unless `DOCKET_ACTOR_SIGNING_KEY` / `DOCKET_ACTOR_KEYS` say
 * otherwise. `docket dev` (its worker), `docket serve --dev` and `npm run demo` call it, so the
 * quick start signs and verifies actors without any setup. Never for production: whoever can read
 * the data directory can vouch for anyone.
 */
export function useDevActorKeys(dataDir: string, env: NodeJS.ProcessEnv = process.env): ActorKeyFiles {
  const files = ensureActorKeyPair(devActorKeyDir(dataDir));
  if (!env.DOCKET_ACTOR_SIGNING_KEY?.trim()) env.DOCKET_ACTOR_SIGNING_KEY = files.signingKeyFile;
  if (!env.DOCKET_ACTOR_KEYS?.trim()) env.DOCKET_ACTOR_KEYS = files.trustedKeysFile;
  return files;
}

/** The development signing key file under `dataDir`, if `docket dev` created one. */
export function devSigningKeyFile(dataDir: string): string | undefined {
  const file = join(devActorKeyDir(dataDir), 'signing-key.jwk.json');
  return existsSync(file) ? file : undefined;
}

interface CallContext {
  /** The issuer that vouched for the person (a verified token's `iss`); default the key's issuer. */
  issuer?: string;
}

const callContext = new AsyncLocalStorage<CallContext>();

/** Runs `fn` with the issuer the assertions it sends name (the HTTP API passes the token's `iss`). */
export function withVouchingIssuer<T>(issuer: string | undefined, fn: () => Promise<T>): Promise<T> {
  return callContext.run({ issuer }, fn);
}

/**
 * A client interceptor that signs the actor of every `event` Update, Signal and Signal-with-start
 * for the case it is sent to. The claims come from the event itself (canonical id, its roles, its
 * type) and the workflow id; the issuer from `withVouchingIssuer`, else the key's.
 */
export function actorSigningInterceptor(key: ActorSigningKey, ttlSeconds = DEFAULT_ASSERTION_TTL_SECONDS): WorkflowClientInterceptor {
  const header = (caseId: string, event: unknown): Headers => {
    const e = event as Partial<EventInput> | undefined;
    const actor = e?.actor;
    if (!e || typeof e.type !== 'string' || !actor || typeof actor.id !== 'string' || !Array.isArray(actor.roles)) return {};
    const now = Math.floor(Date.now() / 1000);
    const assertion = signActorClaims(
      {
        v: 1,
        sub: canonicalActorId(actor.id),
        roles: actor.roles.map(String),
        iss: callContext.getStore()?.issuer ?? key.issuer,
        case: caseId,
        event: e.type,
        iat: now,
        exp: now + ttlSeconds,
      },
      key,
    );
    return { [ACTOR_ASSERTION_HEADER]: defaultPayloadConverter.toPayload(assertion) };
  };
  return {
    startUpdate: (input, next) =>
      next(
        input.updateName === EVENT_UPDATE
          ? { ...input, headers: { ...input.headers, ...header(input.workflowExecution.workflowId, input.args[0]) } }
          : input,
      ),
    signal: (input, next) =>
      next(
        input.signalName === EVENT_SIGNAL
          ? { ...input, headers: { ...input.headers, ...header(input.workflowExecution.workflowId, input.args[0]) } }
          : input,
      ),
    signalWithStart: (input, next) =>
      next(
        input.signalName === EVENT_SIGNAL
          ? { ...input, headers: { ...input.headers, ...header(input.options.workflowId, input.signalArgs[0]) } }
          : input,
      ),
  };
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ActorKeyError(
      `cannot read actor key file "${file}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ActorKeyError(`actor key file "${file}" is not JSON`);
  }
}
