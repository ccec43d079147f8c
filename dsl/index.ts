/**
 * The DSL: types of a process definition, loading and validating YAML definitions, CEL
 * expressions, durations, and the target-resolution rule shared with the compiler.
 *
 * @example
 *   import { loadDefinitionFile, formatDiagnostic } from './dsl';
 *   const { definition, hash, diagnostics } = await loadDefinitionFile('definitions/refund.yaml');
 *   for (const d of diagnostics) console.error(formatDiagnostic(d));
 */
export type {
  Action,
  DecisionRule,
  DefinitionBundle,
  DelaySpec,
  DurationLiteral,
  EventSpec,
  Expr,
  IndexField,
  InvokeSpec,
  JsonSchema,
  ProcessDefinition,
  RetrySpec,
  StateSpec,
  TransitionInput,
  TransitionSpec,
} from './types';
export { INDEX_FIELDS } from './types';
export { CEL_VARIABLES, CelEvaluationError, checkExpression, decisionReferences, evaluate, evaluateBoolean, evaluateMap } from './cel';
export type { CelProblem, CelVariables } from './cel';
export { formatDuration, isDurationLiteral, parseDuration } from './duration';
export { DIAGNOSTIC_CODES, formatDiagnostic, formatPath, sortDiagnostics, unlocated } from './diagnostics';
export type { Diagnostic, DiagnosticCode, DiagnosticLocation, Locate, LocateOptions, PathSegment } from './diagnostics';
export { didYouMean, editDistance, suggest } from './suggest';
export { canonicalJson, definitionHash } from './hash';
export { loadDefinitionFile, loadDefinitionText } from './load';
export type { LoadResult } from './load';
export { MAX_DEFINITION_BYTES } from './source-guard';
export { MAX_NESTING } from './nesting-guard';
export { isValidDefinition, validateDefinition } from './validate';
export { validateFiles } from './validate-files';
export type { FileReport, ValidationReport } from './validate-files';
export { allStatePaths, childStates, forEachState, resolveTarget, stateAt } from './state-tree';
export type { StatePath } from './state-tree';
export { transitionsOf } from './transitions';
export type { TransitionKind, TransitionRef } from './transitions';
