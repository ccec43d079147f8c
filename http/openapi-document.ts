/** The OpenAPI document as the server generates it, without Temporal or an identity provider (for docs/openapi.json and its test). */
import pino from 'pino';
import { buildServer } from './server';
import { parseIdentityConfig } from './identity-config';
import type { CaseService } from './routes/context';

export async function openApiDocument(): Promise<Record<string, unknown>> {
  const unused = () => Promise.reject(new Error('not connected'));
  const cases: CaseService = { start: unused, send: unused, state: unused, list: unused, history: unused };
  const identity = parseIdentityConfig({ issuer: 'https://idp.invalid', audience: 'docket', jwksUrl: 'https://idp.invalid/jwks' });
  const { app } = await buildServer({ cases, identity, verifier: { verify: unused }, logger: pino({ level: 'silent' }) });
  try {
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}
