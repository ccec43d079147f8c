/**
 * `resolveDefinition`: the recorded step at the start of every case run. It finds the definition a
 * case runs (the deployed version asked for, or the current one) in the registry of the worker's
 * task queue, validates it with the same checks as `docket validate`, computes its hash itself and
 * pins the versions of the child processes it invokes. Its result is recorded in the case's
 * history, so replay and audit see exactly what ran and a later deployment never changes it.
 *
 * The worker is the authority: nothing here is taken from the caller. An inline definition (in the
 * start input) is refused unless this worker was started in development mode, and even then it is
 * validated and hashed here. Every refusal is a non-retryable failure with a `CaseFailureCode` type.
 *
 * Not in ACTIVITY_CATALOG: definitions cannot invoke it.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ActorTrust } from '../contract/actor-assertion';
import type { DeployedDefinition } from '../contract/registry';
import { definitionQuery } from '../contract/registry-handles';
import { registryWorkflowId } from '../contract/registry';
import type { CaseFailureCode, ResolvedDefinition, ResolveRequest } from '../contract/wire';
import { packDefinition } from '../contract/packed-definition';
import { definitionHash } from '../dsl/hash';
import type { ProcessDefinition } from '../dsl/types';
import { childProcesses, definitionProblems } from '../workflows/registry-book';

/** Name under which the worker registers the activity (the workflow calls it by this name). */
export const RESOLVE_DEFINITION_ACTIVITY = 'resolveDefinition';

export interface ResolveDefinitionOptions {
  /** A client on the worker's own connection and namespace. */
  client: Client;
  /** Development mode: accept inline definitions (still validated and hashed here). Default false. */
  allowInlineDefinitions?: boolean;
  /** Task queue whose registry to read. Default: the activity's own task queue. */
  taskQueue?: string;
  /**
   * Whether events must carry a signed actor, and the keys the worker trusts. Returned with every
   * resolution, so it is recorded in the case's history and a replay verifies with the same keys.
   */
  actorTrust?: ActorTrust;
}

/** Deployed bodies by hash: versions are immutable, so a body once checked can be reused. */
const checkedBodies = new Map<string, ProcessDefinition>();
/** The same bodies packed for the history, by hash. */
const packedBodies = new Map<string, string>();
/**
 * Registry entries by hash. A version is immutable (its hash is its content, and the registry
 * never gives a hash another version number), so a start that names the full hash, as the
 * TypeScript client and every continue-as-new do, needs no registry Query once the worker has
 * seen it: one round trip and one workflow task of the registry less per case. A start by
 * process name alone, or by version number, still asks the registry which version that is.
 * Keyed by task queue too: each task queue has its own registry and one process may run workers
 * of several, so a version deployed on one queue must not be found for a case on another.
 */
const entriesByHash = new Map<string, DeployedDefinition>();
const entryKey = (taskQueue: string, hash: string) => `${taskQueue}\u0000${hash}`;
const FULL_HASH = /^[0-9a-f]{64}$/;

export function createResolveDefinition(options: ResolveDefinitionOptions) {
  return async function resolveDefinition(request: ResolveRequest): Promise<ResolvedDefinition> {
    const taskQueue = options.taskQueue ?? Context.current().info.taskQueue;
    const lookup = (process: string, version?: number | string) => lookUp(options.client, taskQueue, process, version);
    const actors = options.actorTrust ? { actors: options.actorTrust } : {};

    if (request?.definition !== undefined) {
      if (!options.allowInlineDefinitions) {
        throw refuse(
          'INLINE_DEFINITION_REFUSED',
          'this worker runs deployed definitions only: deploy the definition with `docket deploy FILE` and start the case by process name ' +
            '(inline definitions are for development: start the worker with DOCKET_ALLOW_INLINE_DEFINITIONS=1)',
        );
      }
      const definition = checked(request.definition, 'the inline definition');
      if (request.process && request.process !== definition.process) {
        throw refuse(
          'INVALID_START',
          `the start input names process "${request.process}" but the inline definition is "${definition.process}"`,
        );
      }
      return {
        process: definition.process,
        hash: definitionHash(definition),
        definitionDeflated: packDefinition(definition),
        children: await pinChildren(definition, request.children, lookup),
        source: 'inline',
        ...actors,
      };
    }

    if (typeof request?.process !== 'string' || request.process === '') {
      throw refuse('INVALID_START', 'the start input must name the process: { "process": "complaint", "input": { … } }');
    }
    const known =
      typeof request.version === 'string' && FULL_HASH.test(request.version)
        ? entriesByHash.get(entryKey(taskQueue, request.version))
        : undefined;
    const found = known && known.process === request.process ? known : await lookup(request.process, request.version);
    const definition =
      checkedBodies.get(found.hash) ?? checked(found.definition, `version ${found.version} of "${found.process}" in the registry`);
    const hash = definitionHash(definition);
    if (hash !== found.hash) {
      throw refuse(
        'INVALID_DEFINITION',
        `version ${found.version} of "${found.process}" in the registry does not match its hash (recorded ${found.hash}, computed ${hash}); the registry was tampered with`,
      );
    }
    checkedBodies.set(hash, definition);
    entriesByHash.set(entryKey(taskQueue, hash), found);
    return {
      process: found.process,
      hash,
      // Packed (base64 DEFLATE of the JSON): recorded in every case's history (contract/packed-definition.ts).
      definitionDeflated: packedBodies.get(hash) ?? packedBodies.set(hash, packDefinition(definition)).get(hash)!,
      children: await pinChildren(definition, request.children, lookup),
      source: 'registry',
      version: found.version,
      deployedBy: found.deployedBy,
      deployedAt: found.deployedAt,
      ...actors,
    };
  };
}

/** Child process → hash: the one pinned by an earlier run of the case, else the current version. */
async function pinChildren(
  definition: ProcessDefinition,
  pinned: Record<string, string> | undefined,
  lookup: (process: string, version?: string) => Promise<DeployedDefinition>,
): Promise<Record<string, string>> {
  const children: Record<string, string> = {};
  for (const child of childProcesses(definition)) {
    const wanted = pinned && Object.prototype.hasOwnProperty.call(pinned, child) ? pinned[child] : undefined;
    children[child] = (await lookup(child, wanted)).hash;
  }
  return children;
}

async function lookUp(client: Client, taskQueue: string, process: string, version?: number | string): Promise<DeployedDefinition> {
  let answer;
  try {
    answer = await client.workflow.getHandle(registryWorkflowId(taskQueue)).query(definitionQuery, { process, version });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw refuse('DEFINITION_NOT_FOUND', `nothing is deployed on task queue "${taskQueue}": deploy "${process}" with \`docket deploy\``);
    }
    throw err; // the registry is unreachable for now: retried
  }
  if (answer.refused)
    throw refuse(answer.refused.code === 'DEFINITION_NOT_FOUND' ? 'DEFINITION_NOT_FOUND' : 'INVALID_START', answer.refused.message);
  if (!answer.found) throw new Error('the registry answered neither a definition nor a refusal');
  return answer.found;
}

function checked(definition: unknown, what: string): ProcessDefinition {
  const problems = definitionProblems(definition);
  if (problems.length > 0) {
    throw refuse('INVALID_DEFINITION', `${what} is not valid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  return definition as ProcessDefinition;
}

function refuse(code: CaseFailureCode, message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: code, nonRetryable: true });
}
