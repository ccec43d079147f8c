/**
 * The JSON Schema is what editors show while a definition is written: it must describe every key
 * and stay in line with the code it mirrors.
 */
import schema from '../../../schema/process.schema.json';
import { INDEX_FIELDS } from '../../../dsl/types';

type Node = Record<string, unknown>;

/** Every schema found under `properties` and `definitions`, with a readable location. */
function propertySchemas(node: unknown, at = '#'): Array<[string, Node]> {
  if (!node || typeof node !== 'object') return [];
  const out: Array<[string, Node]> = [];
  for (const [key, value] of Object.entries(node as Node)) {
    if (key === 'properties' || key === 'definitions') {
      for (const [name, child] of Object.entries(value as Node)) out.push([`${at}/${key}/${name}`, child as Node]);
    }
    out.push(...propertySchemas(value, `${at}/${key}`));
  }
  return out;
}

describe('schema/process.schema.json', () => {
  it('describes every key', () => {
    const undocumented = propertySchemas(schema).filter(([, s]) => typeof s.description !== 'string');
    expect(undocumented.map(([at]) => at)).toEqual([]);
  });
  it('allows exactly the index fields the engine maps to search attributes', () => {
    expect(Object.keys(schema.properties.index.properties)).toEqual([...INDEX_FIELDS]);
  });
  it('closes every object to unknown keys', () => {
    const open = propertySchemas(schema).filter(
      ([, s]) => s.type === 'object' && s.additionalProperties === undefined && s.properties !== undefined,
    );
    expect(open.map(([at]) => at)).toEqual([]);
  });
});
