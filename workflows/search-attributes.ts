/**
 * Keeps the case's search attributes in step with its state, so `docket list --query` and the
 * Temporal Web UI can filter. Upserts only what changed (each upsert is a history event).
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { evaluateIn, type ExpressionScope } from '../compiler/expressions';
import { INDEX_ATTRIBUTES, SA_DEFINITION_HASH, SA_OUTCOME, SA_PROCESS, SA_STATE, SA_STATES } from '../contract/search-attributes';
import type { IndexField, ProcessDefinition } from '../dsl/types';

export class SearchAttributeSync {
  /** The last value upserted, per attribute, as JSON. */
  private readonly last = new Map<string, string>();
  /**
   * Whether `DocketStates` is kept: only for a definition with a parallel state. Without one the
   * active state is a single path, and `DocketState` (exact, or as a prefix ending in a dot)
   * already finds it and its ancestors (client/list-query.ts); the list would double the bytes of
   * every state upsert in every case's history for nothing.
   */
  private readonly keepsStateList: boolean;
  /** Whether an index expression may read the clock (then it is evaluated after every transition). */
  private readonly indexReadsNow: boolean;
  /** The context the index attributes were last evaluated with, and what they evaluated to. */
  private indexedContext: unknown;
  private indexPairs: SearchAttributeUpdatePair[] = [];

  /**
   * `fromStart`: the first run of a case (not a continue-as-new). Its start may already carry
   * `DocketProcess` and `DocketDefinitionHash` (the TypeScript client sets both): when both equal
   * what the case resolved, no upsert is made for them. Otherwise (a start without them, as every
   * history recorded before this has, or with a forged or stale value) both are upserted at once,
   * the same command as before, so recorded histories replay without a patch and a caller's value
   * is corrected in the first workflow task. A continued run always upserts as before: its start
   * carries the attributes of the run before, and recorded continued runs upserted them.
   */
  constructor(
    private readonly def: ProcessDefinition,
    hash: string,
    fromStart = false,
  ) {
    this.keepsStateList = hasParallelState(def.states);
    // Conservative: the word anywhere (a string literal too) counts as reading the clock.
    this.indexReadsNow = Object.values(def.index ?? {}).some((source) => /\bnow\b/.test(source));
    const identity = [
      { key: SA_PROCESS, value: def.process },
      { key: SA_DEFINITION_HASH, value: hash },
    ];
    if (fromStart && startCarries(identity)) identity.forEach((p) => this.last.set(p.key.name, JSON.stringify(p.value)));
    else this.upsert(identity);
  }

  /**
   * Called after every transition, with the active leaf states (dotted paths). The index
   * expressions are evaluated again only when the case's data changed (XState makes a new context
   * object on every assignment; the input never changes) or when one of them reads `now`.
   */
  update(leaves: string[], scope: ExpressionScope, outcome?: string): void {
    const pairs: SearchAttributeUpdatePair[] = [{ key: SA_STATE, value: leaves.join(',') }];
    if (this.keepsStateList) pairs.push({ key: SA_STATES, value: activeStates(leaves) });
    if (outcome) pairs.push({ key: SA_OUTCOME, value: outcome });
    if (this.indexReadsNow || scope.context !== this.indexedContext) {
      this.indexPairs = this.indexValues(scope);
      this.indexedContext = scope.context;
    }
    this.upsert([...pairs, ...this.indexPairs]);
  }

  /** The index attributes' values for `scope`; one that cannot be evaluated yet (a field not set) is left out. */
  private indexValues(scope: ExpressionScope): SearchAttributeUpdatePair[] {
    const pairs: SearchAttributeUpdatePair[] = [];
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
    return pairs;
  }

  private upsert(pairs: SearchAttributeUpdatePair[]): void {
    // Compared as JSON: a list is a new array each time, and an upsert is a history event, so one
    // must be made exactly when a value changed (recorded histories replay only then).
    const changed = pairs.filter((p) => this.last.get(p.key.name) !== JSON.stringify(p.value));
    if (changed.length === 0) return;
    changed.forEach((p) => this.last.set(p.key.name, JSON.stringify(p.value)));
    upsertSearchAttributes(changed);
  }
}

/** Whether the workflow's start set each of these keyword attributes to exactly this value. */
function startCarries(pairs: Array<{ key: typeof SA_PROCESS; value: string }>): boolean {
  const started = workflowInfo().typedSearchAttributes;
  return pairs.every((p) => started.get(p.key) === p.value);
}

function hasParallelState(states: ProcessDefinition['states'] | undefined): boolean {
  return Object.values(states ?? {}).some((s) => s?.type === 'parallel' || hasParallelState(s?.states));
}

/** Each active leaf and each of its ancestors, once, in order: `['a', 'a.b', 'a.c']` for leaves `a.b`, `a.c`. */
export function activeStates(leaves: string[]): string[] {
  const out = new Set<string>();
  for (const leaf of leaves) {
    const names = leaf.split('.');
    for (let i = 1; i <= names.length; i++) out.add(names.slice(0, i).join('.'));
  }
  return [...out];
}
