/**
 * dsl/hash.ts against the canonical-JSON vectors of contract/vectors/canonical-json.json, which an
 * independent implementation (contract/vectors/generate.py, RFC 8785) wrote: a service in another
 * language that passes the same vectors computes the same definition hashes as docket.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, definitionHash } from '../../../dsl/hash';
import type { ProcessDefinition } from '../../../dsl/types';
import vectorFile from '../../../contract/vectors/canonical-json.json';

interface Vector {
  name: string;
  value: unknown;
  canonical: string;
  sha256: string;
  note?: string;
}
const vectors = vectorFile as Vector[];

/** -0 is written 0, so it reads back as 0 (and Jest's toEqual tells 0 from -0). */
function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNegativeZero(v)]));
  return value;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('canonical JSON vectors (contract/vectors/canonical-json.json)', () => {
  it('are a well-formed, self-consistent file', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(30);
    expect(new Set(vectors.map((v) => v.name)).size).toBe(vectors.length);
    for (const v of vectors) {
      expect(typeof v.canonical).toBe('string');
      expect(v.sha256).toMatch(/^[0-9a-f]{64}$/);
      // The digest is of the canonical text's UTF-8 bytes.
      expect({ name: v.name, sha256: sha256(v.canonical) }).toEqual({ name: v.name, sha256: v.sha256 });
      // Canonical text is JSON denoting the same value (no whitespace added or lost).
      expect({ name: v.name, value: JSON.parse(v.canonical) }).toEqual({ name: v.name, value: withoutNegativeZero(v.value) });
    }
  });

  for (const v of vectors) {
    it(`canonicalJson and the hash match: ${v.name}`, () => {
      expect(canonicalJson(v.value)).toBe(v.canonical);
      expect(sha256(canonicalJson(v.value))).toBe(v.sha256);
      expect(definitionHash(v.value as ProcessDefinition)).toBe(v.sha256);
    });
  }

  it('cover what the contract promises', () => {
    const canon = vectors.map((v) => v.canonical);
    expect(canon).toContain('0'); // -0
    expect(canon).toContain('1e+21');
    expect(canon).toContain('1e-7');
    expect(canon).toContain('0.30000000000000004');
    expect(canon.some((c) => c.includes('\u2028'))).toBe(true);
    expect(canon.some((c) => c.includes('\\u001f'))).toBe(true);
    expect(canon).toContain('{}');
    expect(canon).toContain('[]');
    expect(vectors.some((v) => v.name.startsWith('small process definition'))).toBe(true);
  });
});
