/**
 * Registers docket's custom search attributes on a namespace, adding only the missing ones.
 * Idempotent: safe to run at every start, against the dev server or a real cluster.
 *
 * Uses the operator service, which self-hosted clusters expose. Temporal Cloud refuses it: there,
 * add the attributes with `tcld namespace search-attributes add` or the Cloud UI (the error says so).
 *
 * @example
 *   const connection = await Connection.connect({ address: 'localhost:7233' });
 *   const { added } = await ensureSearchAttributes(connection, 'default');
 */
import type { OperatorService } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_TYPES } from '../contract/search-attributes';

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;
type IndexedValueType = temporal.api.enums.v1.IndexedValueType;

/** Temporal type names as the CLI spells them (`--type Keyword`). */
export type SearchAttributeTypeName = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

export const TYPE_CODES: Record<SearchAttributeTypeName, IndexedValueType> = {
  Text: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Int: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Double: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  Bool: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Datetime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Anything with an operator service: a client `Connection` or a worker `NativeConnection`. */
export interface OperatorConnection {
  operatorService: OperatorService;
}

/** The cluster refused to list or add the attributes, or one exists with another type. */
export class SearchAttributeError extends Error {
  override name = 'SearchAttributeError';
}

export interface EnsureSearchAttributesResult {
  /** Attributes this call registered. */
  added: string[];
  /** Attributes that were already registered with the right type. */
  existing: string[];
}

/**
 * Adds every attribute of `attributes` (default: docket's `SEARCH_ATTRIBUTE_TYPES`) that the
 * namespace lacks. Throws `SearchAttributeError` when one exists with a different type, or when
 * the cluster refuses the operator calls.
 */
export async function ensureSearchAttributes(
  connection: OperatorConnection,
  namespace: string,
  attributes: Record<string, SearchAttributeTypeName> = SEARCH_ATTRIBUTE_TYPES,
): Promise<EnsureSearchAttributesResult> {
  const registered = await listCustom(connection, namespace, attributes);
  const missing: Record<string, IndexedValueType> = {};
  const existing: string[] = [];
  const conflicts: string[] = [];
  for (const [name, typeName] of Object.entries(attributes)) {
    const want = TYPE_CODES[typeName];
    const have = registered[name];
    if (have === undefined) missing[name] = want;
    else if (have === want) existing.push(name);
    else conflicts.push(`${name} is ${typeLabel(have)}, docket needs ${typeName}`);
  }
  if (conflicts.length > 0) {
    throw new SearchAttributeError(
      `search attributes on namespace "${namespace}" have the wrong type: ${conflicts.join('; ')}. ` +
        'A search attribute cannot change type; remove it (`temporal operator search-attribute remove`) ' +
        'or use another namespace.',
    );
  }
  const added = Object.keys(missing);
  if (added.length === 0) return { added, existing };

  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  } catch (err) {
    // Another process may have added them concurrently: accept if they are there now.
    const now = await listCustom(connection, namespace, attributes);
    if (added.every((name) => now[name] === missing[name])) return { added: [], existing: Object.keys(attributes) };
    throw new SearchAttributeError(
      `could not add search attributes ${added.join(', ')} to namespace "${namespace}": ${messageOf(err)}. ` +
        howToAddByHand(namespace, attributes, added),
    );
  }
  return { added, existing };
}

async function listCustom(
  connection: OperatorConnection,
  namespace: string,
  attributes: Record<string, SearchAttributeTypeName>,
): Promise<Record<string, IndexedValueType>> {
  try {
    const res = await connection.operatorService.listSearchAttributes({ namespace });
    return (res.customAttributes ?? {}) as Record<string, IndexedValueType>;
  } catch (err) {
    throw new SearchAttributeError(
      `could not list the search attributes of namespace "${namespace}": ${messageOf(err)}. ` +
        howToAddByHand(namespace, attributes, Object.keys(attributes)),
    );
  }
}

function howToAddByHand(namespace: string, attributes: Record<string, SearchAttributeTypeName>, names: string[]): string {
  const commands = names
    .map((name) => `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type ${attributes[name]}`)
    .join('\n  ');
  return 'Register them by hand (Temporal Cloud: `tcld namespace search-attributes add` or the Cloud UI):\n  ' + commands;
}

function typeLabel(code: IndexedValueType): string {
  const entry = Object.entries(TYPE_CODES).find(([, value]) => value === code);
  return entry ? entry[0] : `type #${code}`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
