/**
 * The docket client SDK. See docs/client.md.
 */
export { ProcessClient, type ProcessClientOptions, type StartOptions, type StartedCase } from './process-client';
export {
  CaseFailedError,
  CaseNotFoundError,
  CaseNotSettledError,
  DefinitionInvalidError,
  DefinitionNotFoundError,
  DeployRefusedError,
  EventOutcomeUnknownError,
  EventRejectedError,
  InvalidInputError,
} from './errors';
export { RegistryClient, defaultDeployer, type DeployOptions } from './registry-client';
export type { DeployResult, DeployedDefinition, DeployedVersion, ProcessVersions } from '../contract/registry';
export { bundleFromDefinition, bundleFromFile } from './definition-bundle';
export type { CaseSummary, ListOptions } from './list-query';
export type {
  CaseFailureCode,
  CaseStatus,
  ChildView,
  EventInput,
  EventResult,
  ProcessResult,
  StateView,
  TimelineEntry,
  TimelinePage,
  Rejection,
  RejectionCode,
} from '../contract/wire';
