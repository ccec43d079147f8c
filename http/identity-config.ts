/**
 * The identity configuration of `docket serve`: which tokens to trust (issuer, audience, keys),
 * how their claims map to a docket actor, and the access rules for starting and reading cases.
 * A YAML or JSON file; docs/http-api.md documents every key.
 *
 * ```yaml
 * issuer: https://sso.example.com/realms/support
 * audience: docket
 * jwksUrl: https://sso.example.com/realms/support/protocol/openid-connect/certs
 * claims:
 *   id: preferred_username
 *   roles: [realm_access.roles]
 *   roleMap: { support-lead: lead }
 * access:
 *   start: { complaint: [agent, customer], refund-approval: [agent, lead] }
 *   read: { customer: { own: customerId }, agent: all, lead: all }
 * ```
 *
 * Loading does I/O; `parseIdentityConfig` is pure and collects every problem before throwing.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';

export interface ClaimMapping {
  /** Claim (dotted path) holding the actor id. Default `sub`. */
  id: string;
  /** Claims (dotted paths) holding roles: lists of strings or space-separated strings. Default `roles`, `groups`. */
  roles: string[];
  /** Renames from the identity provider's role or group names to docket roles. */
  roleMap: Record<string, string>;
  /** Keep roles that `roleMap` does not name (default true); false drops them. */
  keepUnmappedRoles: boolean;
}

/** `all`: every case; `{ own: field }`: only cases whose context (or input) `field` equals the actor id. */
export type ReadRule = 'all' | { own: string };

export interface AccessRules {
  /** Process id (or `*`) → roles that may start it. Absent: any verified actor may start any process. */
  start?: Record<string, string[]>;
  /** Role (or `*`) → which cases it may read. Absent: every verified actor reads every case. */
  read?: Record<string, ReadRule>;
}

export interface IdentityConfig {
  /** The `iss` every token must carry. */
  issuer: string;
  /** The `aud` every token must carry (one of, when a list). */
  audience: string | string[];
  /** Where the keys are: a JWKS URL (as OIDC providers publish) … */
  jwksUrl?: string;
  /** … or a file holding a JWKS, one JWK, or a PEM public key (resolved against the config file's directory). */
  keyFile?: string;
  /** Accepted signature algorithms. Default RS256, PS256, ES256, EdDSA. */
  algorithms: string[];
  /** Seconds of clock skew allowed on `exp` and `nbf`. Default 30. */
  clockToleranceSeconds: number;
  claims: ClaimMapping;
  access: AccessRules;
}

/** A configuration file as written (SCHEMA checks it): what is left out takes its default. */
interface RawIdentityConfig extends Partial<Omit<IdentityConfig, 'claims'>> {
  issuer: string;
  audience: string | string[];
  claims?: Partial<Omit<ClaimMapping, 'roles'>> & { roles?: string | string[] };
}

export class IdentityConfigError extends Error {
  override name = 'IdentityConfigError';
}

const roleList = { type: 'array', items: { type: 'string', minLength: 1 } };
const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['issuer', 'audience'],
  properties: {
    issuer: { type: 'string', minLength: 1 },
    audience: {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      ],
    },
    jwksUrl: { type: 'string', pattern: '^https?://' },
    keyFile: { type: 'string', minLength: 1 },
    algorithms: { type: 'array', minItems: 1, items: { type: 'string' } },
    clockToleranceSeconds: { type: 'number', minimum: 0, maximum: 600 },
    claims: {
      type: 'object',
      additionalProperties: false,
      properties: {
        id: { type: 'string', minLength: 1 },
        roles: { anyOf: [{ type: 'string', minLength: 1 }, roleList] },
        roleMap: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
        keepUnmappedRoles: { type: 'boolean' },
      },
    },
    access: {
      type: 'object',
      additionalProperties: false,
      properties: {
        start: { type: 'object', additionalProperties: roleList },
        read: {
          type: 'object',
          additionalProperties: {
            anyOf: [
              { const: 'all' },
              { type: 'object', additionalProperties: false, required: ['own'], properties: { own: { type: 'string', minLength: 1 } } },
            ],
          },
        },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true, strict: false }).compile(SCHEMA);

/** Checks a parsed configuration and fills in the defaults; `baseDir` resolves `keyFile`. */
export function parseIdentityConfig(raw: unknown, source = 'identity configuration', baseDir = process.cwd()): IdentityConfig {
  if (!validate(raw)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '(top)'}: ${e.message}`);
    throw new IdentityConfigError(`${source}: ${problems.join('; ')}`);
  }
  // The shape the schema above has just checked: every field but issuer and audience optional.
  const config = raw as RawIdentityConfig;
  if (Boolean(config.jwksUrl) === Boolean(config.keyFile)) {
    throw new IdentityConfigError(`${source}: give exactly one of jwksUrl (the identity provider's JWKS) or keyFile`);
  }
  const claims = config.claims ?? {};
  return {
    issuer: config.issuer,
    audience: config.audience,
    jwksUrl: config.jwksUrl,
    keyFile: config.keyFile ? resolve(baseDir, config.keyFile) : undefined,
    algorithms: config.algorithms ?? ['RS256', 'PS256', 'ES256', 'EdDSA'],
    clockToleranceSeconds: config.clockToleranceSeconds ?? 30,
    claims: {
      id: claims.id ?? 'sub',
      roles: typeof claims.roles === 'string' ? [claims.roles] : (claims.roles ?? ['roles', 'groups']),
      roleMap: claims.roleMap ?? {},
      keepUnmappedRoles: claims.keepUnmappedRoles ?? true,
    },
    access: config.access ?? {},
  };
}

/** Reads and checks a configuration file (YAML or JSON). */
export function loadIdentityConfig(path: string): IdentityConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new IdentityConfigError(
      `${path}: cannot read the identity configuration (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new IdentityConfigError(`${path}: not YAML or JSON: ${(err as Error).message}`);
  }
  return parseIdentityConfig(raw, path, dirname(resolve(path)));
}
