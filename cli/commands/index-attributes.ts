/**
 * `docket deploy`'s check of `index:` fields against the namespace's real search attributes.
 * The validator already limits `index:` to the fields docket registers (INDEX_FIELD_UNAVAILABLE,
 * dsl/check-index.ts); a namespace that was not set up by `docket dev` or `npm run cluster`
 * (a production cluster, Temporal Cloud) may still lack some, and a case of such a definition
 * could not upsert it (Temporal refuses an unregistered attribute). So deploy asks the server (`listSearchAttributes`) and refuses
 * a definition whose field's attribute is missing there or has another type, before any case runs.
 * A cluster that does not let the client list them (Temporal Cloud refuses the operator service)
 * is not checked: the answer is `undefined`, and deploy goes on.
 */
import type { Client } from '@temporalio/client';
import { INDEX_ATTRIBUTES, SEARCH_ATTRIBUTE_TYPES } from '../../contract/search-attributes';
import { SearchAttributeError, TYPE_CODES } from '../../devserver/ensure-search-attributes';
import type { DefinitionBundle, IndexField, ProcessDefinition } from '../../dsl/types';

/** One problem per field, `file: index.<field> …`; empty when all are there; undefined when the server would not say. */
export async function missingIndexAttributes(
  client: Client,
  bundles: Array<{ file: string; bundle: DefinitionBundle }>,
): Promise<string[] | undefined> {
  const namespace = client.options.namespace;
  let registered: Record<string, number>;
  try {
    const res = await client.connection.operatorService.listSearchAttributes({ namespace });
    registered = (res.customAttributes ?? {}) as Record<string, number>;
  } catch {
    return undefined;
  }
  const indexNames = Object.values(INDEX_ATTRIBUTES).map((k) => k.name);
  const present = indexNames.filter((name) => registered[name] === TYPE_CODES[SEARCH_ATTRIBUTE_TYPES[name]]);
  const problems: string[] = [];
  for (const { file, definition } of withChildren(bundles)) {
    for (const field of Object.keys(definition.index ?? {})) {
      const key = INDEX_ATTRIBUTES[field as IndexField];
      if (!key || present.includes(key.name)) continue;
      const type = SEARCH_ATTRIBUTE_TYPES[key.name];
      const state = registered[key.name] === undefined ? 'does not have' : `has with another type than ${type}`;
      problems.push(
        `${file}: index.${field} is upserted as the search attribute ${key.name} (${type}), which namespace "${namespace}" ${state}; ` +
          `it has ${present.length} of docket's ${indexNames.length} index attributes (${present.join(', ') || 'none'}). ` +
          `Register it (temporal operator search-attribute create --namespace ${namespace} --name ${key.name} --type ${type}; ` +
          'Temporal Cloud: tcld namespace search-attributes add) or remove the field [INDEX_FIELD_UNAVAILABLE]',
      );
    }
  }
  return problems;
}

/** Each definition deployed, the child processes a bundle carries included (they are deployed with it). */
function withChildren(bundles: Array<{ file: string; bundle: DefinitionBundle }>): Array<{ file: string; definition: ProcessDefinition }> {
  const out: Array<{ file: string; definition: ProcessDefinition }> = [];
  const walk = (file: string, bundle: DefinitionBundle) => {
    out.push({ file, definition: bundle.definition });
    for (const [name, child] of Object.entries(bundle.children ?? {})) walk(`${file} (child process ${name})`, child);
  };
  bundles.forEach((b) => walk(b.file, b.bundle));
  return out;
}

/** Throws a SearchAttributeError (a user error: printed, exit 1) listing every missing attribute. */
export async function refuseMissingIndexAttributes(
  client: Client,
  bundles: Array<{ file: string; bundle: DefinitionBundle }>,
): Promise<void> {
  const problems = await missingIndexAttributes(client, bundles);
  if (!problems?.length) return;
  throw new SearchAttributeError(
    `nothing was deployed: the namespace lacks search attributes these definitions index:\n  ${problems.join('\n  ')}`,
  );
}
