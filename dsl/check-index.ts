/**
 * `index:` fields within what docket's search attributes allow. Each field is upserted as its own
 * pre-registered search attribute (contract/search-attributes.ts `INDEX_ATTRIBUTES`, which the
 * namespace registration `SEARCH_ATTRIBUTE_TYPES` is built from), so a definition may index at
 * most those fields, by those names: for another field the engine has no attribute to upsert,
 * and the value would be lost without a word. The limit is
 * `INDEX_FIELDS` (dsl/types.ts), the one list both are typed against. Pure.
 */
import { asRecord, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';
import { suggest } from './suggest';
import { INDEX_FIELDS } from './types';

export function checkIndexFields(def: JsonRecord, reporter: Reporter): void {
  const index = asRecord(def.index);
  const allowed: readonly string[] = INDEX_FIELDS;
  for (const field of Object.keys(index)) {
    if (allowed.includes(field)) continue;
    const hint = suggest(field, allowed);
    reporter.report(
      'INDEX_FIELD_UNAVAILABLE',
      ['index', field],
      `index field "${field}" has no search attribute${hint ? ` (did you mean "${hint}"?)` : ''}: docket registers ${allowed.length} index attributes, so a definition indexes at most ${allowed.length} fields, named ${allowed.join(', ')}; use one of them or keep the value in context`,
      { key: true },
    );
  }
}
