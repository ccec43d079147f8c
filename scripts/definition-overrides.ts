/**
 * Replaces decision tables of a definition, for demos and tests that cannot wait hours. The
 * shipped YAML is never edited: callers load it and swap only timing tables, so every state,
 * guard and event exercised is the one a process owner ships.
 */
import type { DecisionRule, ProcessDefinition } from '../dsl/types';

export function withDecisions(def: ProcessDefinition, tables: Record<string, string | DecisionRule[]>): ProcessDefinition {
  const copy = structuredClone(def);
  for (const [decision, value] of Object.entries(tables)) {
    if (!copy.decisions?.[decision]) throw new Error(`${def.process} has no decision table "${decision}"`);
    copy.decisions[decision] = typeof value === 'string' ? [{ then: value }] : value;
  }
  return copy;
}
