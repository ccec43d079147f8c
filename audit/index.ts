/**
 * Audit tools: everything an auditor needs from a case's recorded history alone, offline.
 *
 * ```ts
 * import { readHistoryFile, auditHistory, auditText, replayHistories, whatIf } from './audit';
 * const file = await readHistoryFile('tests/histories/complaint-p1-escalation.json');
 * const report = await auditHistory(file);          // replay + business timeline + deadlines + digest
 * process.stdout.write(auditText(report));
 * const results = await replayHistories('tests/histories'); // the regression gate
 * const impact = await whatIf(editedDefinition, 'tests/histories');
 * ```
 */
export { AuditError, type AuditErrorCode } from './errors';
export { listHistoryFiles, parseHistoryJson, readHistoryFile, type HistoryFile } from './history-file';
export { caseInput, checkRecordedDefinition, recordedDefinition, type CaseInput, type RecordedDefinition } from './case-input';
export { ENGINE_ACTIVITIES, ENGINE_LOCAL_ACTIVITIES, engineLocalActivity, isEngineActivity } from './history-events';
export { canonicalHistory, digestMatches, historyDigest, type HistoryDigest } from './digest';
export {
  describeFailure,
  quietReplayLogs,
  replayHistories,
  replayHistoryFile,
  replayHistoryFiles,
  type ReplayFailure,
  type ReplayFailureKind,
  type ReplayOptions,
  type ReplayOutcome,
  type ReplayProgress,
} from './replay';
export {
  historyFacts,
  type ActivityRecord,
  type ChildRecord,
  type HistoryFacts,
  type ReceivedEvent,
  type RunEnd,
  type TimerRecord,
} from './history-facts';
export { recordedActivations, type Activation, type RecordedActivations, type RecordedInput, type RecordedInvocation } from './activations';
export { rerunCase, type RerunDeadline, type RerunOptions, type RerunResult, type RerunTransition } from './rerun';
export { deadlineReports, totals, type DeadlineReport, type Measure, type Target, type Totals } from './deadlines';
export { auditHistory, pathOf, type AuditCase, type AuditOptions, type AuditReport } from './timeline';
export { auditText } from './report-text';
export { auditMarkdown } from './report-md';
export { auditHtml } from './report-html';
export { whatIf, type WhatIfCase, type WhatIfReport, type WhatIfRun } from './whatif';
