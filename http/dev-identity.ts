/**
 * The development identity provider: a local Ed25519 key pair in `<data dir>/dev-identity/`, the
 * identity configuration that trusts it, and tokens minted with it (`docket token --as lead:chen`).
 * So the quick start runs `docket serve --dev` without Keycloak; a production server is given the
 * identity provider's configuration instead (`docket serve --identity <file>`).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { canonicalActorId } from './actor-id';
import { parseIdentityConfig, type IdentityConfig } from './identity-config';

export const DEV_ISSUER = 'docket-dev';
export const DEV_AUDIENCE = 'docket';

export interface DevIdentity {
  dir: string;
  /** The public keys (JWKS) the development server trusts. */
  jwksFile: string;
  privateKeyFile: string;
  config: IdentityConfig;
}

/** The development key pair under `dataDir`, created on first use. */
export async function ensureDevIdentity(dataDir: string): Promise<DevIdentity> {
  const dir = join(dataDir, 'dev-identity');
  const privateKeyFile = join(dir, 'signing-key.jwk.json');
  const jwksFile = join(dir, 'jwks.json');
  if (!existsSync(privateKeyFile) || !existsSync(jwksFile)) {
    mkdirSync(dir, { recursive: true });
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const kid = `dev-${Date.now().toString(36)}`;
    writeFileSync(privateKeyFile, JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' }, null, 2), { mode: 0o600 });
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }] }, null, 2));
  }
  const config = parseIdentityConfig(
    { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, keyFile: jwksFile, algorithms: ['EdDSA'] },
    'development identity',
  );
  return { dir, jwksFile, privateKeyFile, config };
}

export interface MintOptions {
  /** `role[,role…]:actorId`, as `docket send --as` takes it. */
  as: string;
  /** Lifetime in seconds (default 3600). */
  ttlSeconds?: number;
  dataDir: string;
}

/** A development token for `--as role:actor`, signed with the development key. */
export async function mintDevToken(options: MintOptions): Promise<string> {
  const { id, roles } = parseAs(options.as);
  const identity = await ensureDevIdentity(options.dataDir);
  const jwk = JSON.parse(readFileSync(identity.privateKeyFile, 'utf8')) as JWK;
  const key = await importJWK(jwk, 'EdDSA');
  return new SignJWT({ roles })
    .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setSubject(id)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (options.ttlSeconds ?? 3600))
    .sign(key);
}

/** `lead,agent:chen` → id `chen`, roles `[lead, agent]`. The id is everything after the first colon. */
export function parseAs(as: string): { id: string; roles: string[] } {
  const colon = as.indexOf(':');
  const id = colon < 0 ? '' : canonicalActorId(as.slice(colon + 1));
  const roles =
    colon < 0
      ? []
      : as
          .slice(0, colon)
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean);
  if (!id || roles.length === 0) throw new Error(`--as "${as}": expected role:actorId, e.g. lead:chen (several roles: lead,agent:chen)`);
  return { id, roles };
}
