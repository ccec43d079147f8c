/**
 * Creates the docket worker: the generic `process` workflow plus the activities, on one task queue.
 *
 * Workflow code comes from, in order: the `workflowBundle` option; the prebuilt bundle named by
 * `DOCKET_WORKFLOW_BUNDLE` (see worker/workflow-bundle.ts); else `workflows/index.ts`,
 * bundled by the SDK at start (a few seconds; fine for development).
 */
import * as fs from 'node:fs';
import { Client } from '@temporalio/client';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import {
  createResolveDefinition,
  createResolveKnownDefinition,
  RESOLVE_DEFINITION_ACTIVITY,
  RESOLVE_KNOWN_DEFINITION_ACTIVITY,
} from '../activities/resolve-definition';
import { ActorKeyError, loadActorSigningKey, loadTrustedActorKeys, trustedKeyOf } from '../client/actor-signer';
import type { ActorTrust, TrustedActorKey } from '../contract/actor-assertion';
import type { PinoLogger } from './logger';
import { ConfigError } from './config';
import { WORKFLOW_INTERCEPTOR_MODULES } from './workflow-interceptors';
import { PAYLOAD_CONVERTER_PATH, WORKFLOW_BUNDLER_OPTIONS } from './workflow-bundle-options';
import { workerTracing } from './tracing';
import type { Tracing } from '../client/tracing-provider';

export interface CreateDocketWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** Activity implementations by name (the `activities` barrel). */
  activities: object;
  /** A prebuilt bundle. Default: `DOCKET_WORKFLOW_BUNDLE`, else bundle `workflows/` at start. */
  workflowBundle?: { codePath: string };
  logger?: PinoLogger;
  /** Extra worker options (sinks, interceptors, concurrency limits), applied last. */
  workerOptions?: Partial<WorkerOptions>;
  /** Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Development mode: run inline definitions sent in the start input (validated and hashed by the
   * worker). Default: `DOCKET_ALLOW_INLINE_DEFINITIONS=1`, else off; in production keep it off.
   */
  allowInlineDefinitions?: boolean;
  /**
   * Signed actors: whether every event must carry an actor assertion signed by a trusted key, and
   * the trusted public keys. Default `actorTrustFromEnv(env, allowInlineDefinitions)`.
   */
  actorTrust?: ActorTrust;
  /** The process's tracing (client/tracing-provider.ts `startTracing`); undefined: no tracing, no interceptor (worker/tracing.ts). */
  tracing?: Tracing;
}

/**
 * The worker's rule for actors, from the environment:
 *
 * | Variable | Meaning |
 * |---|---|
 * | `DOCKET_ACTOR_KEYS` | JWKS file of the Ed25519 public keys trusted to sign actors (the API servers', the CLI's) |
 * | `DOCKET_ACTOR_SIGNING_KEY` | the worker's own signing key (for events it sends itself, e.g. `signalProcess`); its public half is trusted too |
 * | `DOCKET_ALLOW_UNSIGNED_ACTORS` | `1`: accept events without an assertion (their actor as written, id made canonical); a bad assertion is still refused |
 *
 * Signed actors are required unless `DOCKET_ALLOW_UNSIGNED_ACTORS=1` or the worker runs in
 * development mode (inline definitions allowed).
 */
export function actorTrustFromEnv(env: NodeJS.ProcessEnv, development = false): ActorTrust {
  const keys: TrustedActorKey[] = [];
  const file = env.DOCKET_ACTOR_KEYS?.trim();
  const signing = env.DOCKET_ACTOR_SIGNING_KEY?.trim();
  try {
    if (file) keys.push(...loadTrustedActorKeys(file));
    if (signing) keys.push(trustedKeyOf(loadActorSigningKey(signing)));
  } catch (err) {
    if (err instanceof ActorKeyError)
      throw new ConfigError(file && err.message.includes(file) ? 'DOCKET_ACTOR_KEYS' : 'DOCKET_ACTOR_SIGNING_KEY', err.message);
    throw err;
  }
  const raw = env.DOCKET_ALLOW_UNSIGNED_ACTORS?.trim().toLowerCase();
  if (raw && !['0', '1', 'true', 'false'].includes(raw)) {
    throw new ConfigError('DOCKET_ALLOW_UNSIGNED_ACTORS', `must be 1 or 0 (got "${env.DOCKET_ALLOW_UNSIGNED_ACTORS}")`);
  }
  const allowUnsigned = raw === '1' || raw === 'true' || development;
  return { required: !allowUnsigned, keys: uniqueKeys(keys) };
}

function uniqueKeys(keys: TrustedActorKey[]): TrustedActorKey[] {
  const seen = new Map<string, TrustedActorKey>();
  for (const key of keys) if (!seen.has(key.kid)) seen.set(key.kid, key);
  return [...seen.values()];
}

/** Whether `DOCKET_ALLOW_INLINE_DEFINITIONS` turns on development mode (`1` or `true`). */
export function inlineDefinitionsAllowed(env: NodeJS.ProcessEnv): boolean {
  const raw = env.DOCKET_ALLOW_INLINE_DEFINITIONS?.trim().toLowerCase();
  if (!raw || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new ConfigError('DOCKET_ALLOW_INLINE_DEFINITIONS', `must be 1 or 0 (got "${env.DOCKET_ALLOW_INLINE_DEFINITIONS}")`);
}

/** The prebuilt workflow bundle from `DOCKET_WORKFLOW_BUNDLE`, or `undefined` when unset. */
export function bundlePath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.DOCKET_WORKFLOW_BUNDLE?.trim();
  if (!file) return undefined;
  if (!fs.existsSync(file)) {
    throw new ConfigError(
      'DOCKET_WORKFLOW_BUNDLE',
      `no such file "${file}" (build it with \`npm run build:bundle\`, or unset the variable to bundle at start)`,
    );
  }
  return file;
}

/** Default size of the sticky cache (see `maxCachedWorkflows`). */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 1000;

/**
 * Workflows kept in the worker's sticky cache (`DOCKET_MAX_CACHED_WORKFLOWS`, default 1000).
 *
 * A cached case answers each workflow task from memory: the worker runs only the new events. With
 * the cache at 0 every workflow task replays the whole history, so an event costs more the longer
 * the case, and CPU per case is several times higher (docs/performance.md). The cache was 0 until
 * XState ran on the sandbox's global timers, whose clearTimeout bookkeeping is shared by every
 * cached workflow (workflows/durable-clock.ts); each case now has its own clock.
 *
 * A fixed 1000 rather than the SDK's heap-based default (about 600 per GiB of heap above 200 MiB),
 * so a worker behaves the same on every machine. A cached case holds its compiled machine, actor
 * and definition in memory (`npm run bench` reports worker RSS); a worker with more open cases
 * evicts the least recently used and replays it on its next task. 0 turns the cache off; the SDK
 * raises 1 to 2.
 */
export function maxCachedWorkflows(env: NodeJS.ProcessEnv): number {
  return wholeNumberSetting(
    env,
    'DOCKET_MAX_CACHED_WORKFLOWS',
    DEFAULT_MAX_CACHED_WORKFLOWS,
    0,
    'must be a whole number of workflows (0 or more)',
  );
}

/** The SDK's own default for `isolateExecutionTimeout`, kept as docket's default. */
export const DEFAULT_ISOLATE_EXECUTION_TIMEOUT_MS = 5000;

/**
 * How long one workflow activation may run in the workflow sandbox before the SDK stops it and
 * fails the workflow task ("Script execution timed out after …ms"):
 * `DOCKET_ISOLATE_EXECUTION_TIMEOUT_MS`, default the SDK's 5000.
 *
 * The limit is there to catch workflow code that never yields (a loop); docket's activations take
 * milliseconds, so on a healthy worker it never trips. On a starved machine (2 cores at load 20–35)
 * an activation that replays a history can take longer than 5 s of wall-clock time, and the
 * failed task is retried by a replay that is just as slow. Raising the limit does not hide a stuck
 * workflow for long: the server's workflow task timeout (10 s) still retries the task. Production
 * keeps the SDK default unless the worker host is known to be oversubscribed; the test harness
 * sets 60000 (tests/support/global-setup.ts) because the test machine is.
 */
export function isolateExecutionTimeoutMs(env: NodeJS.ProcessEnv): number {
  return wholeNumberSetting(
    env,
    'DOCKET_ISOLATE_EXECUTION_TIMEOUT_MS',
    DEFAULT_ISOLATE_EXECUTION_TIMEOUT_MS,
    100,
    'must be a whole number of milliseconds, at least 100',
  );
}

/** A whole-number `DOCKET_*` setting: its default when unset or blank, else at least `min`. */
function wholeNumberSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, rule: string): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(name, `${rule}, got "${raw}"`);
  return n;
}

export async function createDocketWorker(options: CreateDocketWorkerOptions): Promise<Worker> {
  const prebuilt = options.workflowBundle?.codePath ?? bundlePath(options.env);
  const workflowSource: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = prebuilt
    ? { workflowBundle: { codePath: prebuilt } }
    : { workflowsPath: require.resolve('../workflows') };
  options.logger?.debug(
    prebuilt ? { workflowBundle: prebuilt } : { workflowsPath: workflowSource.workflowsPath },
    prebuilt ? 'using the prebuilt workflow bundle' : 'bundling the workflow code',
  );
  const env = options.env ?? process.env;
  const allowInlineDefinitions = options.allowInlineDefinitions ?? inlineDefinitionsAllowed(env);
  if (allowInlineDefinitions)
    options.logger?.warn('development mode: inline definitions in start inputs are accepted (DOCKET_ALLOW_INLINE_DEFINITIONS)');
  const actorTrust = options.actorTrust ?? actorTrustFromEnv(env, allowInlineDefinitions);
  if (!actorTrust.required)
    options.logger?.warn(
      'unsigned actors are accepted: an event without a signed actor assertion is taken with the actor it names (DOCKET_ALLOW_UNSIGNED_ACTORS or development mode)',
    );
  else if (actorTrust.keys.length === 0)
    options.logger?.warn(
      'signed actors are required but no key is trusted (DOCKET_ACTOR_KEYS): every event will be refused as UNAUTHENTICATED',
    );
  // The definition step reads the registry with the worker's own connection; its result carries the actor rule into the case's history.
  const resolveDefinition = createResolveDefinition({
    client: new Client({ connection: options.connection, namespace: options.namespace }),
    allowInlineDefinitions,
    actorTrust,
  });
  // Its local twin: answers a start by full hash from what resolveDefinition has already read, with no I/O.
  const resolveKnownDefinition = createResolveKnownDefinition({ actorTrust });
  const tracing = workerTracing(options.tracing, prebuilt, (message) => options.logger?.warn(message));
  const own = options.workerOptions?.interceptors;
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: {
      ...options.activities,
      [RESOLVE_DEFINITION_ACTIVITY]: resolveDefinition,
      [RESOLVE_KNOWN_DEFINITION_ACTIVITY]: resolveKnownDefinition,
    },
    // The workflow reports timeline entries to this sink; only auditors' replay listens (see contract/audit-sink.ts).
    sinks: { audit: { entry: { fn: () => undefined, callDuringReplay: false } }, ...tracing.sinks },
    // Undecodable payloads become values the event gate refuses (contract/payload-converter.ts); the bundle has it built in.
    dataConverter: { payloadConverterPath: PAYLOAD_CONVERTER_PATH },
    maxCachedWorkflows: maxCachedWorkflows(env),
    // Not in the SDK's public WorkerOptions type ("not exposed at the moment"), but
    // addDefaultWorkerOptions spreads the caller's options over its 5 s default, so it is honoured;
    // no test reads it back yet (worker.options.isolateExecutionTimeoutMs would show it).
    ...({ isolateExecutionTimeout: isolateExecutionTimeoutMs(env) } as Partial<WorkerOptions>),
    ...workflowSource,
    ...options.workerOptions,
    interceptors: {
      ...own,
      activity: [...tracing.activity, ...(own?.activity ?? [])],
      // A prebuilt bundle has them built in (worker/workflow-bundle.ts).
      ...(prebuilt
        ? {}
        : { workflowModules: [...WORKFLOW_INTERCEPTOR_MODULES, ...tracing.workflowModules, ...(own?.workflowModules ?? [])] }),
    },
    ...(prebuilt ? {} : { bundlerOptions: { ...WORKFLOW_BUNDLER_OPTIONS, ...options.workerOptions?.bundlerOptions } }),
  });
}
