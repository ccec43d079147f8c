/**
 * A stand-in identity provider on loopback, as Keycloak looks to `docket serve`: an RS256 key pair
 * whose public half is served as a JWKS at `<issuer>/protocol/openid-connect/certs`, and tokens
 * with Keycloak's claims (`preferred_username`, `realm_access.roles`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

export interface LoopbackIdp {
  issuer: string;
  jwksUrl: string;
  /** A token for `username` with realm roles; `options` override claims, lifetime, key or audience. */
  token(
    username: string,
    roles: string[],
    options?: { expiresIn?: number; audience?: string; issuer?: string; signWith?: CryptoKey; claims?: JWTPayload },
  ): Promise<string>;
  /** A key the provider does not publish (for forged tokens). */
  strangerKey: CryptoKey;
  stop(): Promise<void>;
}

export async function startLoopbackIdp(): Promise<LoopbackIdp> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' }] };
  const server: Server = createServer((req, res) => {
    if (req.url?.endsWith('/protocol/openid-connect/certs')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}/realms/support`;
  return {
    issuer,
    jwksUrl: `${issuer}/protocol/openid-connect/certs`,
    strangerKey: stranger.privateKey,
    token: (username, roles, options = {}) =>
      new SignJWT({ preferred_username: username, realm_access: { roles }, ...options.claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
        .setIssuer(options.issuer ?? issuer)
        .setAudience(options.audience ?? 'docket')
        .setSubject(`uuid-${username.trim().toLowerCase()}`)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresIn ?? 600))
        .sign(options.signWith ?? privateKey),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
