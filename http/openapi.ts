/**
 * The OpenAPI 3.1 document: @fastify/swagger generates it from the routes' schemas; this module
 * turns every `$ref` to a contract or API schema (by `$id`) into a local component
 * (`#/components/schemas/StateView`, `…/StateView.caseStatus` for a `$defs` entry), adding only the
 * components that are reached, so the document is self-contained and validates as OpenAPI.
 * Pure. docs/openapi.json is this document, kept in the repo (`npm run openapi` writes it).
 */
import { contractSchemas, type ContractSchemaName } from '../contract/schemas';
import { httpSchemas } from './schemas';

const CONTRACT_BASE = 'https://docket.dev/schemas/';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every schema a reference can name: `$id` → [component name, schema]. */
function knownSchemas(): Map<string, [string, Record<string, Json>]> {
  const known = new Map<string, [string, Record<string, Json>]>();
  for (const [name, schema] of Object.entries(contractSchemas)) {
    known.set(`${CONTRACT_BASE}${name}.schema.json`, [pascal(name as ContractSchemaName), schema as unknown as Record<string, Json>]);
  }
  for (const [name, schema] of Object.entries(httpSchemas)) {
    known.set(schema.$id, [name[0].toUpperCase() + name.slice(1), schema as unknown as Record<string, Json>]);
  }
  return known;
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
}

/**
 * Rewrites `$ref`s in `doc` (a generated OpenAPI document) to components and adds the components.
 * A reference to a schema outside the contract (e.g. the process definition schema) is an error.
 */
export function bundleOpenApi(doc: Record<string, unknown>): Record<string, unknown> {
  const known = knownSchemas();
  const components: Record<string, Json> = {};
  const pending: Array<() => void> = [];

  /** Component name for a reference seen inside the schema whose `$id` is `base`. */
  const target = (ref: string, base: string | undefined): string => {
    const absolute = ref.startsWith('#') ? `${base ?? ''}${ref}` : ref.startsWith('http') ? ref : `${CONTRACT_BASE}${ref}`;
    const [schemaId, fragment = ''] = absolute.split('#', 2);
    const entry = known.get(schemaId);
    if (!entry) throw new Error(`OpenAPI: cannot bundle a reference to ${absolute}`);
    const [name, schema] = entry;
    const parts = fragment.split('/').filter(Boolean);
    let component = name;
    let body: Json = schema;
    if (parts.length) {
      component = `${name}.${parts
        .map((p) => (p === '$defs' || p === 'properties' ? '' : p))
        .filter(Boolean)
        .join('.')}`;
      for (const part of parts) body = (body as Record<string, Json>)[part];
      if (body === undefined) throw new Error(`OpenAPI: ${absolute} points at nothing`);
    }
    if (!(component in components)) {
      components[component] = null; // claimed: cycles stop here
      const copy = body;
      pending.push(() => (components[component] = rewrite(strip(copy), schemaId)));
    }
    return `#/components/schemas/${component}`;
  };

  const rewrite = (node: Json, base: string | undefined): Json => {
    if (Array.isArray(node)) return node.map((n) => rewrite(n, base));
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, Json> = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] =
        key === '$ref' && typeof value === 'string' && !value.startsWith('#/components/') ? target(value, base) : rewrite(value, base);
    }
    return out;
  };

  const paths = rewrite(doc.paths as Json, undefined);
  while (pending.length) pending.shift()!();
  const existing = ((doc.components as Record<string, unknown> | undefined) ?? {}) as Record<string, unknown>;
  const sorted = Object.fromEntries(Object.entries(components).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { ...doc, paths, components: { ...existing, schemas: { ...((existing.schemas as object) ?? {}), ...sorted } } };
}

/** A component body: no `$id`, `$schema` or `$defs` (each `$defs` entry is its own component). */
function strip(schema: Json): Json {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const { $id: _id, $schema: _schema, $defs: _defs, ...rest } = schema as Record<string, Json>;
  return rest;
}
