import { canonicalJson, definitionHash } from '../../../dsl/hash';
import type { ProcessDefinition } from '../../../dsl/types';

const def = (states: ProcessDefinition['states']): ProcessDefinition => ({ process: 'p', title: 'P', roles: [], initial: 'a', states });

describe('definitionHash', () => {
  it('ignores key order at every level', () => {
    const a = def({ a: { type: 'final', outcome: 'ok' } });
    const b = { states: { a: { outcome: 'ok', type: 'final' } }, initial: 'a', roles: [], title: 'P', process: 'p' } as ProcessDefinition;
    expect(definitionHash(a)).toBe(definitionHash(b));
    expect(definitionHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });
  it('changes when any value changes, including list order', () => {
    expect(definitionHash(def({ a: { type: 'final', outcome: 'ok' } }))).not.toBe(
      definitionHash(def({ a: { type: 'final', outcome: 'done' } })),
    );
    expect(canonicalJson({ roles: ['a', 'b'] })).not.toBe(canonicalJson({ roles: ['b', 'a'] }));
  });
  it('writes sorted keys without whitespace and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).toBe('{"a":{"d":[2,{"e":0,"f":1}]},"b":1}');
  });
});
