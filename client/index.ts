/**
 * The docket client SDK. See README "Client SDK".
 */
export { ProcessClient, type ProcessClientOptions, type StartOptions, type StartedCase } from './process-client';
export { CaseNotFoundError, DefinitionInvalidError, EventRejectedError, InvalidInputError } from './errors';
export { bundleFromDefinition, bundleFromFile } from './definition-bundle';
export type { CaseSummary, ListOptions } from './list-query';
export type { EventInput, ProcessResult, StateView, TimelineEntry, Rejection, RejectionCode } from '../contract/wire';
