/** Identity pieces of `docket serve` without a server: canonical ids, claim mapping, access rules, config, dev tokens, OpenAPI. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { checkRead, checkReadAll, checkStart } from '../../../http/access-rules';
import { canonicalActorId } from '../../../http/actor-id';
import { ensureDevIdentity, mintDevToken } from '../../../http/dev-identity';
import { IdentityConfigError, parseIdentityConfig } from '../../../http/identity-config';
import { openApiDocument } from '../../../http/openapi-document';
import { ProblemError } from '../../../http/problem';
import { actorFromClaims, createTokenVerifier } from '../../../http/token-verifier';

const actor = (id: string, ...roles: string[]) => ({ id, roles, issuer: 'idp' });

describe('canonical actor ids', () => {
  it('makes Alice, "alice " and ALICE one person', () => {
    expect(['Alice', 'alice ', ' ALICE', 'alice'].map(canonicalActorId)).toEqual(['alice', 'alice', 'alice', 'alice']);
    expect(canonicalActorId('ａｌｉｃｅ')).toBe('alice'); // full-width letters (NFKC)
  });
});

describe('claim mapping', () => {
  const claims = {
    id: 'preferred_username',
    roles: ['realm_access.roles', 'groups'],
    roleMap: { 'support-lead': 'lead' },
    keepUnmappedRoles: false,
  };
  it('takes the id from the named claim and renames roles, dropping unmapped ones when told to', () => {
    const mapped = actorFromClaims(
      { preferred_username: ' Chen ', realm_access: { roles: ['support-lead', 'offline_access'] }, groups: 'support-lead' },
      claims,
      'idp',
    );
    expect(mapped).toEqual({ id: 'chen', roles: ['lead'], issuer: 'idp', expiresAt: undefined });
  });
  it('refuses a token without an actor id', () => {
    expect(() => actorFromClaims({ sub: 'x' }, claims, 'idp')).toThrow(/no actor id in claim "preferred_username"/);
  });
});

describe('access rules', () => {
  const rules = {
    start: { complaint: ['customer', 'agent'], '*': ['admin'] },
    read: { customer: { own: 'customerId' }, agent: 'all' as const },
  };
  const refusal = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      return { code: (err as ProblemError).code, rule: (err as ProblemError).extra.rule };
    }
    return undefined;
  };
  it('names the rule that refuses a start', () => {
    expect(refusal(() => checkStart(rules, actor('cust-1', 'customer'), 'complaint'))).toBeUndefined();
    expect(refusal(() => checkStart(rules, actor('cust-1', 'customer'), 'refund-approval'))).toEqual({
      code: 'ACCESS_DENIED',
      rule: 'access.start.*',
    });
    expect(refusal(() => checkStart({ start: { complaint: ['agent'] } }, actor('x', 'agent'), 'refund-approval'))).toEqual({
      code: 'ACCESS_DENIED',
      rule: 'access.start',
    });
  });
  it('lets a customer read only cases whose customerId is theirs (canonically)', () => {
    expect(refusal(() => checkRead(rules, actor('cust-1', 'customer'), 'C-1', { customerId: 'Cust-1' }))).toBeUndefined();
    expect(refusal(() => checkRead(rules, actor('cust-1', 'customer'), 'C-2', { customerId: 'cust-2' }))).toEqual({
      code: 'ACCESS_DENIED',
      rule: 'access.read.customer',
    });
    expect(refusal(() => checkRead(rules, actor('ann', 'agent'), 'C-2', {}))).toBeUndefined();
    expect(refusal(() => checkReadAll(rules, actor('cust-1', 'customer')))).toEqual({
      code: 'ACCESS_DENIED',
      rule: 'access.read.customer',
    });
    expect(refusal(() => checkRead({}, actor('anyone'), 'C-2', {}))).toBeUndefined();
  });
});

describe('identity configuration', () => {
  it('collects every problem and asks for exactly one key source', () => {
    expect(() => parseIdentityConfig({ issuer: '', audiance: 'x' }, 'id.yaml')).toThrow(IdentityConfigError);
    expect(() => parseIdentityConfig({ issuer: 'i', audience: 'a' }, 'id.yaml')).toThrow(/exactly one of jwksUrl .* or keyFile/);
    expect(() =>
      parseIdentityConfig({ issuer: 'i', audience: 'a', keyFile: 'k', access: { read: { customer: { own: '' } } } }, 'id.yaml'),
    ).toThrow(/access\/read\/customer/);
  });
});

describe('development identity', () => {
  it('mints a token that the development configuration verifies, as a canonical actor', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'docket-dev-id-'));
    const token = await mintDevToken({ as: 'lead,agent:Chen', dataDir });
    const verifier = await createTokenVerifier((await ensureDevIdentity(dataDir)).config);
    expect(await verifier.verify(token)).toMatchObject({ id: 'chen', roles: ['agent', 'lead'], issuer: 'docket-dev' });
    const other = mkdtempSync(join(tmpdir(), 'docket-dev-id-'));
    const stranger = await createTokenVerifier((await ensureDevIdentity(other)).config);
    await expect(stranger.verify(token)).rejects.toMatchObject({ reason: expect.stringMatching(/bad-signature|unknown-key/) });
  });
});

describe('OpenAPI document', () => {
  // A change to the routes or to contract/schemas changes the document: `npm run openapi` writes it again.
  it('is what docs/openapi.json holds (npm run openapi), and validates as OpenAPI 3.1', async () => {
    const doc = await openApiDocument();
    expect(doc).toEqual(JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'openapi.json'), 'utf8')));
    const result = await new Validator().validate(doc as never);
    expect(result).toEqual({ valid: true });
  });
});
