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
import { packDefinition, packResolution } from '../contract/packed-definition';
import { definitionHash } from '../dsl/hash';
import type { ProcessDefinition } from '../dsl/types';
import { childProcesses, definitionProblems } from '../workflows/registry-book';

/** Name under which the worker registers the activity (the workflow calls it by this name). */
export const RESOLVE_DEFINITION_ACTIVITY = 'resolveDefinition';
/** Name of the local activity that answers a start naming a full hash from this worker's caches alone. */
export const RESOLVE_KNOWN_DEFINITION_ACTIVITY = 'resolveKnownDefinition';

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
 * Registry entries by task queue and hash. A version is immutable (its hash is its content, and
 * the registry never gives a hash another version number), so a start that names the full hash,
 * as the TypeScript client and every continue-as-new do, needs no registry Query once the worker
 * has seen it: one round trip and one workflow task of the registry less per case. A start by
 * process name alone, or by version number, still asks the registry which version that is. Keyed
 * by task queue too: each task queue has its own registry, and one process may run workers of
 * several (the tests do), so a version deployed on one is not found on another.
 */
const entriesByHash = new Map<string, DeployedDefinition>();
const entryKey = (taskQueue: string, hash: string) => `${taskQueue}\u0000${hash}`;
const FULL_HASH = /^[0-9a-f]{64}$/;

export function createResolveDefinition(options: ResolveDefinitionOptions) {
  return async function resolveDefinition(request: ResolveRequest): Promise<ResolvedDefinition> {
    const taskQueue = options.taskQueue ?? Context.current().info.taskQueue;
    // Every entry the registry answers is kept by hash (immutable), the pinned children's included:
    // a continued run that pins them by hash can then be answered by resolveKnownDefinition.
    const lookup = async (process: string, version?: number | string) => {
      const entry = await lookUp(options.client, taskQueue, process, version);
      entriesByHash.set(entryKey(taskQueue, entry.hash), entry);
      return entry;
    };
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
    const children = await pinChildren(definition, request.children, lookup);
    return registryResult(found, definition, children, options.actorTrust);
  };
}

/**
 * `resolveKnownDefinition`, run as a **local** activity before the `resolveDefinition` activity
 * (workflows/definition-step.ts). It does no I/O at all: it answers only from this worker's
 * in-memory caches of deployed versions that `resolveDefinition` already read from the registry
 * and checked (immutable: a hash is its content), and only a start that names the full hash.
 * Anything else, including a child process not named by hash (only the registry knows a child's
 * *current* version, which a deployment or rollback can change), is `null`, "not known here", and
 * the workflow runs the activity as before.
 *
 * Why no I/O: a local activity holds its workflow-task slot while it runs. The earlier attempt
 * (docs/performance.md, "the definition step as a local activity") queried the registry workflow,
 * which needs a workflow-task slot on the same worker, so a burst of starts could hold every slot
 * and wait for each other. A lookup in a Map cannot wait for anything.
 */
/** Distinct `children` combinations kept packed per deployed version (the oldest dropped first). */
const MAX_PACKED_ANSWERS_PER_VERSION = 16;

export function createResolveKnownDefinition(options: Pick<ResolveDefinitionOptions, 'taskQueue' | 'actorTrust'>) {
  // The packed answer per deployed version and children named: deflating the same resolution for
  // every case was about a millisecond of the worker's CPU per case (docs/performance.md). Keyed by
  // the registry entry object, so an entry the worker reloads is packed afresh; the actor trust is
  // this worker's, fixed for the closure.
  const packedAnswers = new WeakMap<DeployedDefinition, Map<string, Uint8Array>>();
  return async function resolveKnownDefinition(request: ResolveRequest): Promise<Uint8Array | null> {
    if (request?.definition !== undefined || typeof request?.process !== 'string') return null;
    if (typeof request.version !== 'string' || !FULL_HASH.test(request.version)) return null;
    const taskQueue = options.taskQueue ?? Context.current().info.taskQueue;
    const found = entriesByHash.get(entryKey(taskQueue, request.version));
    const definition = found && checkedBodies.get(found.hash);
    if (!found || !definition || found.process !== request.process) return null;
    const children: Record<string, string> = {};
    for (const child of childProcesses(definition)) {
      const wanted =
        request.children && Object.prototype.hasOwnProperty.call(request.children, child) ? request.children[child] : undefined;
      // Only a child pinned by full hash (by the start's `children` or an earlier run); "the current version" needs the registry.
      const entry = typeof wanted === 'string' && FULL_HASH.test(wanted) ? entriesByHash.get(entryKey(taskQueue, wanted)) : undefined;
      if (!entry || entry.process !== child) return null;
      children[child] = entry.hash;
    }
    // Packed whole: recorded as binary, not base64 in JSON (contract/packed-definition.ts, packResolution).
    const byChildren = packedAnswers.get(found) ?? packedAnswers.set(found, new Map()).get(found)!;
    const key = JSON.stringify(children);
    let packed = byChildren.get(key);
    if (!packed) {
      packed = packResolution(registryResult(found, definition, children, options.actorTrust));
      // Bounded: the children named come from the caller; a few combinations per version are normal.
      if (byChildren.size >= MAX_PACKED_ANSWERS_PER_VERSION) byChildren.delete(byChildren.keys().next().value as string);
      byChildren.set(key, packed);
    }
    return packed;
  };
}

/** The recorded result for a deployed version (the same from both steps). */
function registryResult(
  found: DeployedDefinition,
  definition: ProcessDefinition,
  children: Record<string, string>,
  actorTrust: ActorTrust | undefined,
): ResolvedDefinition {
  const hash = found.hash;
  return {
    process: found.process,
    hash,
    // Packed (base64 DEFLATE of the JSON): recorded in every case's history (contract/packed-definition.ts).
    definitionDeflated: packedBodies.get(hash) ?? packedBodies.set(hash, packDefinition(definition)).get(hash)!,
    children,
    source: 'registry',
    version: found.version,
    deployedBy: found.deployedBy,
    deployedAt: found.deployedAt,
    ...(actorTrust ? { actors: actorTrust } : {}),
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
