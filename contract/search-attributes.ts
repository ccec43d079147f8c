/**
 * Custom search attributes the engine upserts on every transition. They must be registered
 * on the namespace (the dev server does it at start; see docs/operations.md "Registering the search attributes").
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { IndexField } from '../dsl/types';

export const SA_PROCESS = defineSearchAttributeKey('DocketProcess', SearchAttributeType.KEYWORD);
export const SA_STATE = defineSearchAttributeKey('DocketState', SearchAttributeType.KEYWORD);
/**
 * Every active state as a list: each active leaf (dotted path) and each of its ancestors, so a
 * state in any region of a parallel state can be found (`DocketStates = 'releasing.monitor'`).
 * `DocketState` joins the leaves in one Keyword, which only STARTS_WITH the first region.
 */
export const SA_STATES = defineSearchAttributeKey('DocketStates', SearchAttributeType.KEYWORD_LIST);
export const SA_DEFINITION_HASH = defineSearchAttributeKey('DocketDefinitionHash', SearchAttributeType.KEYWORD);
export const SA_OUTCOME = defineSearchAttributeKey('DocketOutcome', SearchAttributeType.KEYWORD);
export const SA_PRIORITY = defineSearchAttributeKey('DocketPriority', SearchAttributeType.KEYWORD);
export const SA_CATEGORY = defineSearchAttributeKey('DocketCategory', SearchAttributeType.KEYWORD);
export const SA_OWNER = defineSearchAttributeKey('DocketOwner', SearchAttributeType.KEYWORD);
export const SA_CUSTOMER = defineSearchAttributeKey('DocketCustomer', SearchAttributeType.KEYWORD);
export const SA_AMOUNT = defineSearchAttributeKey('DocketAmount', SearchAttributeType.DOUBLE);

/** DSL `index:` field → search attribute key. */
export const INDEX_ATTRIBUTES = {
  priority: SA_PRIORITY,
  category: SA_CATEGORY,
  owner: SA_OWNER,
  customer: SA_CUSTOMER,
  amount: SA_AMOUNT,
} as const satisfies Record<IndexField, unknown>;

/** Temporal's type names as the CLI spells them (`--type Keyword`), for the types docket uses. */
const TYPE_NAMES = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', DOUBLE: 'Double' } as const;

/**
 * Name → Temporal type name, for `temporal server start-dev --search-attribute` and operator
 * commands: built from the keys above (the index ones from `INDEX_ATTRIBUTES`), so what is
 * registered is what the engine upserts and what the validator allows `index:` to name.
 */
export const SEARCH_ATTRIBUTE_TYPES: Record<string, 'Keyword' | 'KeywordList' | 'Double'> = Object.fromEntries(
  [SA_PROCESS, SA_STATE, SA_STATES, SA_DEFINITION_HASH, SA_OUTCOME, ...Object.values(INDEX_ATTRIBUTES)].map((key) => [
    key.name,
    TYPE_NAMES[key.type as keyof typeof TYPE_NAMES],
  ]),
);
