/**
 * The first step of every case run: check the start input's shape, then resolve the definition
 * (recorded in the history, so replay and audit see exactly what ran). A start that names the
 * full hash of its version and the versions of its child processes (`children`, as the TypeScript
 * client and every continue-as-new do) is answered by the local activity `resolveKnownDefinition`
 * from the worker's memory of versions it has read from the registry (its result is a
 * MarkerRecorded event in the first workflow task: no activity task, no second workflow task).
 * Anything else, or a worker that does not know those versions yet, goes through the
 * `resolveDefinition` activity, which reads the registry. Anything that makes the case unable to
 * run fails it at once with a typed, non-retryable failure; a workflow task is never left to retry
 * for a reason that will not change.
 *
 * Why `children` in the start decides the path, not `patched()`: histories recorded before the
 * local lookup have no `children` in their start (the field is new), so they replay the activity
 * path without a patch marker; a patch would cost every new case a marker and the SDK's
 * `TemporalChangeVersion` upsert, more than the lookup saves in bytes.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseFailureCode, ProcessArgs, ResolvedDefinition, ResolveRequest } from '../contract/wire';
import { unpackDefinition, unpackResolution } from '../contract/packed-definition';
import { checkedDefinition } from './definition-cache';
import { undecodableMessage, undecodableOf } from '../contract/undecodable';
import { definitionHash } from '../dsl/hash';
import type { ProcessDefinition } from '../dsl/types';

const { resolveDefinition } = proxyActivities<{ resolveDefinition(request: ResolveRequest): Promise<ResolvedDefinition> }>({
  startToCloseTimeout: '30s',
  // A registry that cannot be reached for a few minutes fails the start; refusals fail at once.
  retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 20 },
});

/**
 * The local lookup (activities/resolve-definition.ts, `createResolveKnownDefinition`): a Map
 * lookup with no I/O, so it never waits for anything and holds its workflow-task slot for well
 * under a millisecond. A short timeout and two attempts: an attempt that fails is a worker bug or
 * an overloaded event loop, not a registry that needs time, and the activity below is the fallback.
 */
const { resolveKnownDefinition } = proxyLocalActivities<{
  resolveKnownDefinition(request: ResolveRequest): Promise<Uint8Array | null>;
}>({
  startToCloseTimeout: '5s',
  retry: { initialInterval: '100ms', maximumAttempts: 2 },
});

const FULL_HASH = /^[0-9a-f]{64}$/;
const VERSION_SELECTOR = /^[0-9a-f]{8,64}$/;

/** What the start asks for, and whether the local lookup may answer it. */
export interface DefinitionStepRequest {
  request: ResolveRequest;
  /** The start named its version by full hash and its children's versions: the local lookup is asked first. */
  local: boolean;
}

/** Fails the case on purpose: the code is the failure type every SDK can read. */
export function failCase(code: CaseFailureCode, message: string): never {
  throw ApplicationFailure.create({ message, type: code, nonRetryable: true });
}

/** Checks the start input's shape; returns the resolution request. */
export function resolveRequestOf(args: ProcessArgs | undefined): DefinitionStepRequest {
  const undecodable = undecodableOf(args);
  if (undecodable) failCase('INVALID_START', undecodableMessage('the start input', undecodable));
  if (!args || typeof args !== 'object' || Array.isArray(args)) {
    failCase('INVALID_START', 'the workflow input must be one object: { "process": "complaint", "input": { … } }');
  }
  if (args.definition === undefined && (typeof args.process !== 'string' || args.process === '')) {
    failCase('INVALID_START', 'the start input must name the process: { "process": "complaint", "input": { … } }');
  }
  if (args.version !== undefined && typeof args.version !== 'number' && typeof args.version !== 'string') {
    failCase('INVALID_START', `version must be a version number or a definition hash, got ${JSON.stringify(args.version)}`);
  }
  if (args.input !== undefined && args.input !== null && (typeof args.input !== 'object' || Array.isArray(args.input))) {
    failCase('INVALID_START', 'input must be a JSON object');
  }
  if (args.resume !== undefined && !workflowInfo().continuedFromExecutionRunId) {
    failCase('INVALID_START', '`resume` is set by the engine when a case continues as new; a new case cannot start with it');
  }
  if (args.children !== undefined) checkChildren(args.children);
  const { continueAsNewAfter } = args;
  if (
    continueAsNewAfter !== undefined &&
    continueAsNewAfter !== null &&
    !(Number.isSafeInteger(continueAsNewAfter) && continueAsNewAfter >= 1)
  ) {
    // A 0 or a negative count would continue the case as new after every workflow task.
    const got = String(JSON.stringify(continueAsNewAfter) ?? typeof continueAsNewAfter).slice(0, 80);
    failCase('INVALID_START', `continueAsNewAfter must be a whole number of history events, at least 1, got ${got}`);
  }
  // Pins of an earlier run come first: continue-as-new carries them in `resume` (runs recorded
  // before `children` existed have them only there).
  const children = args.resume?.children ?? args.children;
  const request: ResolveRequest = { process: args.process, version: args.version, definition: args.definition, children };
  const local =
    args.children !== undefined && args.definition === undefined && typeof args.version === 'string' && FULL_HASH.test(args.version);
  return { request, local };
}

/** `children` names a version of each child process, like `version` does for the process itself. */
function checkChildren(children: unknown): void {
  if (!children || typeof children !== 'object' || Array.isArray(children)) {
    failCase('INVALID_START', 'children must be an object of child process → definition hash, e.g. { "refund-approval": "8cd10f01…" }');
  }
  for (const [child, version] of Object.entries(children)) {
    if (typeof version !== 'string' || !VERSION_SELECTOR.test(version)) {
      // Bounded: the caller's key and value may be anything, of any size.
      const got = String(JSON.stringify(version) ?? typeof version).slice(0, 80);
      failCase(
        'INVALID_START',
        `children[${JSON.stringify(child.slice(0, 80))}] must be a definition hash (8 to 64 lower-case hex characters), got ${got}`,
      );
    }
  }
}

/** Runs the recorded resolution step; a refusal fails the case with the refusal's code. */
export async function resolveCaseDefinition({ request, local }: DefinitionStepRequest): Promise<ResolvedDefinition> {
  if (local) {
    // null: not known on this worker (or a child's pin is not); the registry decides below.
    // A cancelled lookup is null too: the activity below then fails at once as cancelled.
    const known = await resolveKnownDefinition(request).catch(() => null);
    if (known) return unpackedResolution(known);
  }
  try {
    return await resolveDefinition(request);
  } catch (err) {
    // A case cancelled while its definition is read (a child whose parent left the invoking state)
    // ends cancelled, as its parent expects of it, not failed for a definition it never missed.
    // Patched: cases recorded before this failed as DEFINITION_NOT_FOUND.
    if (isCancellation(err) && patched('docket-cancelled-while-resolving')) throw err;
    const cause = err instanceof ActivityFailure ? err.cause : err;
    if (cause instanceof ApplicationFailure && cause.type && cause.nonRetryable) {
      failCase(cause.type as CaseFailureCode, cause.message);
    }
    failCase(
      'DEFINITION_NOT_FOUND',
      `could not resolve the definition of "${request.process ?? 'the inline definition'}": ${(cause as Error)?.message ?? String(cause)}`,
    );
  }
}

/** The local lookup's packed result (contract/packed-definition.ts, packResolution); unreadable bytes fail the case. */
function unpackedResolution(bytes: Uint8Array): ResolvedDefinition {
  try {
    return unpackResolution(bytes);
  } catch (err) {
    failCase('INVALID_DEFINITION', `the definition step's recorded result could not be read: ${(err as Error)?.message ?? String(err)}`);
  }
}

/**
 * The definition the step recorded, unpacked (contract/packed-definition.ts), with its hash
 * recomputed: a result that does not unpack, or whose definition does not match the hash it was
 * recorded with, fails the case as INVALID_DEFINITION.
 */
export function pinnedDefinition(resolved: ResolvedDefinition): ProcessDefinition {
  // Checked once per worker for the same recorded bytes (definition-cache.ts).
  if (typeof resolved.definitionDeflated === 'string')
    return checkedDefinition(resolved.definitionDeflated, resolved.hash, () => unpackAndCheck(resolved));
  return unpackAndCheck(resolved);
}

function unpackAndCheck(resolved: ResolvedDefinition): ProcessDefinition {
  let definition: ProcessDefinition;
  try {
    definition = unpackDefinition(resolved);
  } catch (err) {
    failCase(
      'INVALID_DEFINITION',
      `the resolved definition of "${resolved.process}" could not be read: ${(err as Error)?.message ?? String(err)}`,
    );
  }
  const hash = definitionHash(definition);
  if (hash !== resolved.hash) {
    failCase(
      'INVALID_DEFINITION',
      `the resolved definition of "${resolved.process}" does not match its hash (recorded ${resolved.hash}, computed ${hash})`,
    );
  }
  return definition;
}
