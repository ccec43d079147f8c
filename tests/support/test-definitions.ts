/**
 * Shipped definitions with test timings. The shipped YAML keeps its real deadlines; tests load
 * it and replace only the `then` values of timing decision tables, so every state, guard and
 * event under test is the one a process owner ships.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { DecisionRule, ProcessDefinition } from '../../dsl/types';

export const DEFINITIONS_DIR = join(__dirname, '..', '..', 'definitions');

export function shippedDefinition(name: string): ProcessDefinition {
  return parse(readFileSync(join(DEFINITIONS_DIR, `${name}.yaml`), 'utf8')) as ProcessDefinition;
}

/** The shipped definition with some decision tables replaced (e.g. `{ confirmAfter: '1s' }`). */
export function withTimings(name: string, timings: Record<string, string | DecisionRule[]>): ProcessDefinition {
  const def = shippedDefinition(name);
  for (const [decision, value] of Object.entries(timings)) {
    if (!def.decisions?.[decision]) throw new Error(`${name} has no decision table "${decision}"`);
    def.decisions[decision] = typeof value === 'string' ? [{ then: value }] : value;
  }
  return def;
}
