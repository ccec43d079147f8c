/**
 * Shipped definitions with test timings (see scripts/definition-overrides.ts): the shipped YAML
 * keeps its real deadlines.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DecisionRule, ProcessDefinition } from '../../dsl/types';
import { loadDefinitionOrThrow, withDecisions } from '../../examples/definition-overrides';

export const DEFINITIONS_DIR = join(__dirname, '..', '..', 'definitions');

/** Paths of every shipped definition file (definitions/*.yaml, not the shared decision files). */
export function shippedDefinitionFiles(): string[] {
  return readdirSync(DEFINITIONS_DIR)
    .filter((name) => name.endsWith('.yaml') && !name.endsWith('.test.yaml'))
    .sort()
    .map((name) => join(DEFINITIONS_DIR, name));
}

export function shippedDefinition(name: string): ProcessDefinition {
  return loadDefinitionOrThrow(join(DEFINITIONS_DIR, `${name}.yaml`));
}

/** One monitor per test file, so complaints of different files never share counts. */
const TEST_MONITOR_ID = `complaint-monitor-test-${process.pid}-${Date.now().toString(36)}`;

/**
 * The shipped definition with some decision tables replaced (e.g. `{ confirmAfter: '1s' }`).
 * Complaints report to a monitor of this test file unless `monitorId` is given.
 */
export function withTimings(name: string, timings: Record<string, string | DecisionRule[]>): ProcessDefinition {
  const def = shippedDefinition(name);
  const monitor: Record<string, string> = def.decisions?.monitorId && !timings.monitorId ? { monitorId: TEST_MONITOR_ID } : {};
  return withDecisions(def, { ...monitor, ...timings });
}
