/**
 * Validates a definition: first its shape (the JSON Schema), then its meaning (targets,
 * reachability, events and roles, expressions, invocations, decision tables). Every pass runs
 * and every problem is collected, so one run shows all of them. Pure: no I/O, no clock.
 *
 * @example
 *   const diagnostics = validateDefinition(yaml.parse(text), unlocated('refund.yaml'));
 *   if (diagnostics.length === 0) compile(def as ProcessDefinition);
 */
import { checkConstructs } from './check-constructs';
import { checkContextKeys } from './check-context';
import { checkDataSchemas } from './check-data-schemas';
import { checkDecisionCoverage } from './check-decision-coverage';
import { checkDecisionOrder } from './check-decision-order';
import { checkDecisionOutputs } from './check-decision-outputs';
import { checkDecisionTables } from './check-decisions';
import { checkEvents } from './check-events';
import { checkExpressions } from './check-expressions';
import { checkIndexFields } from './check-index';
import { checkInvocations } from './check-invoke';
import { checkLoops } from './check-loops';
import { checkReachability } from './check-reachability';
import { checkSize } from './check-size';
import { checkStates } from './check-states';
import { checkTimers } from './check-timers';
import { checkValueTypes } from './check-value-types';
import { sortDiagnostics, unlocated, type Diagnostic, type Locate } from './diagnostics';
import { isRecord } from './json-shape';
import { createReporter } from './reporter';
import { checkSchema } from './schema-check';
import type { ProcessDefinition } from './types';

/** The semantic passes in order (exported for bench/validate-scale.ts, which times each). */
export const SEMANTIC_PASSES = [
  checkStates,
  checkReachability,
  checkLoops,
  checkEvents,
  checkExpressions,
  checkContextKeys,
  checkDecisionOrder,
  checkValueTypes,
  checkTimers,
  checkInvocations,
  checkDecisionTables,
  checkDecisionCoverage,
  checkDecisionOutputs,
  checkDataSchemas,
  checkConstructs,
  checkIndexFields,
];

/** All problems with a definition (already parsed from YAML), ordered by position; empty when it is valid. */
export function validateDefinition(def: unknown, locate: Locate = unlocated()): Diagnostic[] {
  const reporter = createReporter(locate);
  // Beyond the engine's limits nothing else is checked: the other passes are what would take long.
  if (checkSize(def, reporter)) return sortDiagnostics(reporter.diagnostics);
  checkSchema(def, reporter);
  if (isRecord(def)) for (const pass of SEMANTIC_PASSES) pass(def, reporter);
  return sortDiagnostics(reporter.diagnostics);
}

/** True when the definition has no problems; narrows its type. */
export function isValidDefinition(def: unknown): def is ProcessDefinition {
  return validateDefinition(def).length === 0;
}
