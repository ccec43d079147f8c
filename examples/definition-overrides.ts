/**
 * Replaces decision tables of a definition, for demos and tests that cannot wait hours. The
 * shipped YAML is never edited: callers load it and swap only timing tables, so every state,
 * guard and event exercised is the one a process owner ships.
 */
import { readFileSync } from 'node:fs';
import { formatDiagnostic } from '../dsl/diagnostics';
import { loadDefinitionText } from '../dsl/load';
import type { DecisionRule, ProcessDefinition } from '../dsl/types';

/** A definition file loaded the way the engine loads it (shared `uses:` files merged), or an error listing its problems. */
export function loadDefinitionOrThrow(file: string): ProcessDefinition {
  const { definition, diagnostics } = loadDefinitionText(readFileSync(file, 'utf8'), file);
  if (!definition) throw new Error(`${file} is not a valid definition:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  return definition;
}

export function withDecisions(def: ProcessDefinition, tables: Record<string, string | DecisionRule[]>): ProcessDefinition {
  const copy = structuredClone(def);
  for (const [decision, value] of Object.entries(tables)) {
    if (!copy.decisions?.[decision]) throw new Error(`${def.process} has no decision table "${decision}"`);
    copy.decisions[decision] = typeof value === 'string' ? [{ then: value }] : value;
  }
  return copy;
}
