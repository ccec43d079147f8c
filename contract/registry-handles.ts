/** Typed handles for the registry's Updates and Queries (shared by the registry workflow and clients). */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import {
  DEFINITION_QUERY,
  DEFINITIONS_QUERY,
  DEPLOY_UPDATE,
  SET_CURRENT_UPDATE,
  type DefinitionLookup,
  type DefinitionRequest,
  type DeployedVersion,
  type DeployRequest,
  type DeployResult,
  type ListDefinitionsRequest,
  type ProcessVersions,
  type SetCurrentRequest,
} from './registry';

export const deployUpdate = defineUpdate<DeployResult, [DeployRequest]>(DEPLOY_UPDATE);
export const setCurrentUpdate = defineUpdate<DeployedVersion, [SetCurrentRequest]>(SET_CURRENT_UPDATE);
export const definitionsQuery = defineQuery<ProcessVersions[], [ListDefinitionsRequest?]>(DEFINITIONS_QUERY);
export const definitionQuery = defineQuery<DefinitionLookup, [DefinitionRequest]>(DEFINITION_QUERY);
