/**
 * Shipped definitions with test timings (see scripts/definition-overrides.ts): the shipped YAML
 * keeps its real deadlines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { DecisionRule, ProcessDefinition } from '../../dsl/types';
import { withDecisions } from '../../scripts/definition-overrides';

export const DEFINITIONS_DIR = join(__dirname, '..', '..', 'definitions');

export function shippedDefinition(name: string): ProcessDefinition {
  return parse(readFileSync(join(DEFINITIONS_DIR, `${name}.yaml`), 'utf8')) as ProcessDefinition;
}

/** The shipped definition with some decision tables replaced (e.g. `{ confirmAfter: '1s' }`). */
export function withTimings(name: string, timings: Record<string, string | DecisionRule[]>): ProcessDefinition {
  return withDecisions(shippedDefinition(name), timings);
}
