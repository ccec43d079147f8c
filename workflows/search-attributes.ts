/**
 * Keeps the case's search attributes in step with its state, so `docket list --query` and the
 * Temporal Web UI can filter. Upserts only what changed (each upsert is a history event).
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes } from '@temporalio/workflow';
import { evaluateIn, type ExpressionScope } from '../compiler/expressions';
import { INDEX_ATTRIBUTES, SA_DEFINITION_HASH, SA_OUTCOME, SA_PROCESS, SA_STATE } from '../contract/search-attributes';
import type { IndexField, ProcessDefinition } from '../dsl/types';

export class SearchAttributeSync {
  private readonly last = new Map<string, unknown>();

  constructor(
    private readonly def: ProcessDefinition,
    hash: string,
  ) {
    this.upsert([
      { key: SA_PROCESS, value: def.process },
      { key: SA_DEFINITION_HASH, value: hash },
    ]);
  }

  /** Called after every transition. */
  update(state: string, scope: ExpressionScope, outcome?: string): void {
    const pairs: SearchAttributeUpdatePair[] = [{ key: SA_STATE, value: state }];
    if (outcome) pairs.push({ key: SA_OUTCOME, value: outcome });
    for (const [field, source] of Object.entries(this.def.index ?? {})) {
      const key = INDEX_ATTRIBUTES[field as IndexField];
      let value: unknown;
      try {
        value = evaluateIn(this.def, source, scope);
      } catch {
        continue; // e.g. a field not set yet: leave the attribute as it was
      }
      if (value === null || value === undefined || value === '') continue;
      if (key.type === 'DOUBLE') {
        if (typeof value === 'number') pairs.push({ key, value } as SearchAttributeUpdatePair);
      } else {
        pairs.push({ key, value: String(value) } as SearchAttributeUpdatePair);
      }
    }
    this.upsert(pairs);
  }

  private upsert(pairs: SearchAttributeUpdatePair[]): void {
    const changed = pairs.filter((p) => this.last.get(p.key.name) !== p.value);
    if (changed.length === 0) return;
    changed.forEach((p) => this.last.set(p.key.name, p.value));
    upsertSearchAttributes(changed);
  }
}
