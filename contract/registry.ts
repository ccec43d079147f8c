/**
 * The definition registry's wire contract: where deployed definitions live and the Updates and
 * Queries that deploy, list, resolve and roll them back.
 *
 * Why a workflow: the registry is one long-running Temporal workflow per namespace and task queue
 * (id `docket-registry/<taskQueue>`, type `definitionRegistry`), served by the same workers that run
 * the cases. Its history is the deployment log (who deployed which hash, when); it works on the
 * embedded dev server and on a real cluster with any number of workers, with no extra server. The
 * registry validates every definition itself and computes its hash: a deploy sent by hand with the
 * `temporal` CLI gets the same checks as `docket deploy`.
 *
 * Free of Node built-ins: bundled into workflow code.
 */
import type { ProcessDefinition } from '../dsl/types';

/** Workflow type of the registry. */
export const REGISTRY_WORKFLOW_TYPE = 'definitionRegistry';
/** Update: deploy definitions (`DeployRequest` → `DeployResult`). */
export const DEPLOY_UPDATE = 'deploy';
/** Update: make an earlier version current again (`SetCurrentRequest` → `DeployedVersion`). */
export const SET_CURRENT_UPDATE = 'setCurrent';
/** Query: the deployed processes and their versions (`ListDefinitionsRequest` → `ProcessVersions[]`). */
export const DEFINITIONS_QUERY = 'definitions';
/** Query: one deployed definition with its body (`DefinitionRequest` → `DefinitionLookup`; never fails). */
export const DEFINITION_QUERY = 'definition';

/** The registry's workflow id on a task queue. */
export function registryWorkflowId(taskQueue: string): string {
  return `docket-registry/${taskQueue}`;
}

export interface DeployRequest {
  /** Definitions as loaded by `docket validate` (shared `uses:` files merged). */
  definitions: unknown[];
  /** Who deploys (recorded in the deployment log). */
  deployedBy: string;
  /** A note for the log, e.g. a ticket or commit. */
  note?: string;
}

export interface DeployedVersion {
  process: string;
  version: number;
  /** sha256 of the definition's canonical JSON, computed by the registry. */
  hash: string;
  deployedBy: string;
  deployedAt: string;
  note?: string;
}

export interface DeployResult {
  deployed: Array<
    DeployedVersion & {
      /** `new`: a new version, now current; `unchanged`: already the current version; `current-again`: an earlier version made current. */
      change: 'new' | 'unchanged' | 'current-again';
    }
  >;
}

export interface SetCurrentRequest {
  process: string;
  /** Version number or hash (an unambiguous prefix of at least 8 hex characters). */
  version: number | string;
  by: string;
}

export interface ListDefinitionsRequest {
  process?: string;
}

export interface ProcessVersions {
  process: string;
  title: string;
  /** Number of the version new cases start with. */
  current: number;
  versions: DeployedVersion[];
  /** Who made which version current, when (deployments and rollbacks), oldest first. */
  log: Array<{ version: number; by: string; at: string; action: 'deploy' | 'rollback' }>;
}

export interface DefinitionRequest {
  process: string;
  /** Default: the current version. */
  version?: number | string;
}

export interface DeployedDefinition extends DeployedVersion {
  definition: ProcessDefinition;
  /** Whether this is the process's current version. */
  current: boolean;
  /**
   * The `definition` Query only: the current version (hash) of each child process this version
   * invokes, what a start names as `ProcessArgs.children`.
   */
  children?: Record<string, string>;
}

/** What the `definition` Query answers: the version, or why there is none (a Query that throws is hard to read in other SDKs). */
export interface DefinitionLookup {
  found?: DeployedDefinition;
  refused?: { code: RegistryErrorCode; message: string };
}

/** Failure types of the registry's Updates, and refusals of its `definition` Query. */
export type RegistryErrorCode = 'INVALID_DEFINITION' | 'DEFINITION_NOT_FOUND' | 'INVALID_REQUEST';

/** State carried across continue-as-new (engine-only; honoured only in a continued run). */
export interface RegistryState {
  processes: Record<string, { title: string; current: number; versions: DeployedVersion[]; log: ProcessVersions['log'] }>;
  /** Hash → definition body. */
  bodies: Record<string, ProcessDefinition>;
}
