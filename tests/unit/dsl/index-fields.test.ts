/**
 * `index:` fields come from one list (dsl/types.ts INDEX_FIELDS): the schema's completion, the
 * validator's limit, the attributes the engine upserts and the ones registered on the namespace.
 */
import { INDEX_ATTRIBUTES, SEARCH_ATTRIBUTE_TYPES } from '../../../contract/search-attributes';
import { validateDefinition } from '../../../dsl';
import { INDEX_FIELDS } from '../../../dsl/types';
import schema from '../../../schema/process.schema.json';

const def = (index: Record<string, string>) => ({
  process: 'p',
  title: 'P',
  roles: ['agent'],
  index,
  events: { CLOSE: { by: ['agent'] } },
  initial: 'open',
  states: { open: { on: { CLOSE: 'closed' } }, closed: { type: 'final', outcome: 'closed' } },
});

it('registers one search attribute per index field, and the schema lists exactly those fields', () => {
  expect(Object.keys(INDEX_ATTRIBUTES)).toEqual([...INDEX_FIELDS]);
  for (const key of Object.values(INDEX_ATTRIBUTES)) expect(SEARCH_ATTRIBUTE_TYPES[key.name]).toBeDefined();
  expect(Object.keys(schema.properties.index.properties)).toEqual([...INDEX_FIELDS]);
});

it('accepts every index field at once, and refuses each field beyond them by name, with the limit', () => {
  expect(validateDefinition(def(Object.fromEntries(INDEX_FIELDS.map((f) => [f, '"x"']))))).toEqual([]);
  const refused = validateDefinition(def({ priority: '"p1"', region: '"eu"', ownr: '"ann"' }));
  expect(refused.map((d) => [d.code, d.path])).toEqual([
    ['INDEX_FIELD_UNAVAILABLE', 'index.region'],
    ['INDEX_FIELD_UNAVAILABLE', 'index.ownr'],
  ]);
  expect(refused.find((d) => d.path === 'index.ownr')!.message).toContain('(did you mean "owner"?)');
  expect(refused[0].message).toContain(`at most ${INDEX_FIELDS.length} fields`);
});

it("still checks an unknown field's value as a CEL expression", () => {
  expect(validateDefinition(def({ region: '1 +' })).map((d) => d.code)).toEqual(['INVALID_EXPRESSION', 'INDEX_FIELD_UNAVAILABLE']);
});
