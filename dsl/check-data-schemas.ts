/**
 * `input` and `events.*.data` are JSON Schemas the engine compiles with ajv when a case starts or
 * an event arrives. Compiling them here turns a typo (`type: nubmer`, `minimun: 1`) into a
 * located diagnostic instead of a rejected start. Stricter than the engine on purpose: unknown
 * keywords are reported, since they are almost always misspellings. Pure (no I/O).
 */
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { PathSegment } from './diagnostics';
import { asRecord, isRecord, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';
import { pointerToPath } from './schema-check';
import { didYouMean } from './suggest';

let ajv: Ajv | undefined;

function checker(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ strict: true, strictTypes: false, strictTuples: false, strictRequired: false, logger: false, allErrors: false });
    addFormats(ajv);
  }
  return ajv;
}

export function checkDataSchemas(def: JsonRecord, reporter: Reporter): void {
  if (isRecord(def.input)) checkOne(def.input, ['input'], reporter);
  for (const [name, spec] of Object.entries(asRecord(def.events))) {
    const data = asRecord(spec).data;
    if (isRecord(data)) checkOne(data, ['events', name, 'data'], reporter);
  }
}

function checkOne(schema: JsonRecord, at: PathSegment[], reporter: Reporter): void {
  const instance = checker();
  try {
    // validateSchema throws, rather than answers, for an unknown `$schema`.
    if (!instance.validateSchema(schema)) {
      const error = (instance.errors ?? [])[0];
      if (error) reporter.report('INVALID_DATA_SCHEMA', [...at, ...pointerToPath(error.instancePath, schema)], metaMessage(error));
      return;
    }
    instance.compile(schema);
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    const keyword = /unknown keyword: "([^"]+)"/.exec(message)?.[1];
    if (keyword) {
      const where = findKey(schema, keyword) ?? [];
      const hint =
        /\s/.test(keyword) && valueAt(schema, where) === null
          ? ' (a comma inside { … } starts a new key: quote the previous value if the comma belongs to it)'
          : didYouMean(keyword, KNOWN_KEYWORDS);
      reporter.report('INVALID_DATA_SCHEMA', [...at, ...where], `unknown JSON Schema keyword "${keyword}"${hint}`, { key: true });
    } else {
      reporter.report('INVALID_DATA_SCHEMA', at, `invalid JSON Schema: ${message.replace(/^strict mode: /, '')}`);
    }
  } finally {
    // Schemas with an $id are registered by compile; forget them so the next file may reuse it.
    instance.removeSchema(schema);
  }
}

function metaMessage(error: ErrorObject): string {
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
    const hint = typeof error.data === 'string' ? didYouMean(error.data, allowed) : '';
    return `invalid JSON Schema: must be one of ${allowed.join(', ')}${hint}`;
  }
  return `invalid JSON Schema: ${error.message ?? error.keyword}`;
}

function valueAt(root: unknown, path: PathSegment[]): unknown {
  let node = root;
  for (const segment of path) node = (node as Record<string, unknown> | undefined)?.[segment as string];
  return node;
}

/** The path to the first key with this name, depth first. */
function findKey(node: unknown, key: string, path: PathSegment[] = []): PathSegment[] | undefined {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const found = findKey(node[i], key, [...path, i]);
      if (found) return found;
    }
  } else if (isRecord(node)) {
    if (Object.prototype.hasOwnProperty.call(node, key)) return [...path, key];
    for (const [k, v] of Object.entries(node)) {
      const found = findKey(v, key, [...path, k]);
      if (found) return found;
    }
  }
  return undefined;
}

const KNOWN_KEYWORDS = [
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minItems',
  'maxItems',
  'uniqueItems',
  'description',
  'title',
  'default',
  'examples',
  'oneOf',
  'anyOf',
  'allOf',
  'not',
  'if',
  'then',
  'else',
  'patternProperties',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'multipleOf',
  'definitions',
  '$ref',
];
