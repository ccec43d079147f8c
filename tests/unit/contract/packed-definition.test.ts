/**
 * The packed definition the resolveDefinition step records (contract/packed-definition.ts): it
 * unpacks to exactly the definition, any zlib can read it (raw DEFLATE, standard base64), and
 * histories with the plain `definition` still read.
 */
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import {
  fromBase64,
  packDefinition,
  packResolution,
  toBase64,
  unpackDefinition,
  unpackResolution,
} from '../../../contract/packed-definition';
import type { ResolvedDefinition } from '../../../contract/wire';
import { definitionHash } from '../../../dsl/hash';
import { loadDefinitionFile } from '../../../dsl/load';
import type { ProcessDefinition } from '../../../dsl/types';

describe('packed definition', () => {
  let complaint: ProcessDefinition;
  beforeAll(async () => {
    complaint = (await loadDefinitionFile(path.join(__dirname, '..', '..', '..', 'definitions', 'complaint.yaml'))).definition!;
  });

  it('unpacks to the same definition and hash, and is much smaller than the JSON', () => {
    const packed = packDefinition(complaint);
    const back = unpackDefinition({ definitionDeflated: packed });
    expect(back).toEqual(complaint);
    expect(definitionHash(back)).toBe(definitionHash(complaint));
    expect(packed.length).toBeLessThan(JSON.stringify(complaint).length / 2);
  });

  it('is standard base64 of raw DEFLATE of the JSON (what Node zlib, Python zlib and Go compress/flate read)', () => {
    const packed = packDefinition(complaint);
    expect(inflateRawSync(Buffer.from(packed, 'base64')).toString('utf8')).toBe(JSON.stringify(complaint));
  });

  it('base64 matches Buffer for every length and byte, both ways', () => {
    for (let n = 0; n < 260; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const text = toBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(Buffer.from(fromBase64(text)).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('reads the plain definition of older histories, and refuses what is neither', () => {
    expect(unpackDefinition({ definition: complaint })).toBe(complaint);
    expect(() => unpackDefinition({})).toThrow(/neither/);
    expect(() => unpackDefinition({ definitionDeflated: 'not base64!' })).toThrow(/not base64/);
    expect(() => unpackDefinition({ definitionDeflated: toBase64(Uint8Array.from([1, 2, 3])) })).toThrow();
  });

  it("packs a whole resolution as raw DEFLATE bytes (the local lookup's marker): any zlib reads it, and it is smaller than its JSON", () => {
    const resolved: ResolvedDefinition = {
      process: complaint.process,
      hash: definitionHash(complaint),
      definitionDeflated: packDefinition(complaint),
      children: { 'refund-approval': 'b'.repeat(64) },
      source: 'registry',
      version: 3,
      deployedBy: 'ops',
      deployedAt: '2026-12-03T07:00:00.000Z',
    };
    const bytes = packResolution(resolved);
    expect(unpackResolution(bytes)).toEqual(resolved);
    expect(JSON.parse(inflateRawSync(bytes).toString('utf8'))).toEqual(resolved);
    // Smaller than the JSON it replaces, which itself carries the definition as base64.
    expect(bytes.length).toBeLessThan(JSON.stringify(resolved).length * 0.8);
  });

  it('refuses bytes that are not a packed resolution, saying what is missing', () => {
    expect(() => unpackResolution(new Uint8Array([0xff, 0xff, 0xff, 0xff]))).toThrow();
    expect(() => unpackResolution(packResolution({ hash: 'x' } as unknown as ResolvedDefinition))).toThrow(
      'the packed resolution is not a JSON object with process and hash',
    );
  });
});
