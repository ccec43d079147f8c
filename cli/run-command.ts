/**
 * The CLI's one error handler. A mistake the user can fix (a bad flag, an invalid definition, a
 * refused event, an unreachable server) is one clear message on stderr and exit code 1; anything
 * else is an internal error, exit code 2, with the stack only when `DOCKET_DEBUG=1`.
 *
 * Commands never exit themselves: they set `process.exitCode` and return, or throw.
 */
import {
  CaseFailedError,
  CaseNotFoundError,
  CaseNotSettledError,
  DefinitionInvalidError,
  DefinitionNotFoundError,
  DeployRefusedError,
  EventOutcomeUnknownError,
  EventRejectedError,
  InvalidInputError,
} from '../client/errors';
import type { ProcessClient } from '../client/process-client';
import { UsageError } from './args';

/** Temporal did not answer at `address`. */
export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
  constructor(
    readonly address: string,
    readonly reason: string,
  ) {
    super(
      `cannot reach Temporal at ${address} (${reason}); start a local server with \`docket dev\` in another terminal, ` +
        'or set TEMPORAL_ADDRESS to the host:port of your server',
    );
  }
}

/** Errors from modules the CLI loads lazily, matched by `name` so that loading them is not needed. */
const USER_ERROR_NAMES = new Set([
  'ConfigError', // worker/config.ts, worker/settings.ts: a TEMPORAL_* or DOCKET_* setting is wrong
  'TemporalCliNotFoundError', // devserver/temporal-cli.ts
  'TemporalCliBuildError',
  'DevServerError', // devserver/dev-server.ts: port in use, server did not start
  'SearchAttributeError',
  'ActorKeyError', // client/actor-signer.ts: a key file is missing or malformed
  'StoreConfigError', // activities/store.ts: DOCKET_STORE_URL is malformed
  'StoreUnavailableError', // activities/store.ts: the activity store cannot be opened or migrated
]);

/** Wraps a command's action so that whatever it throws ends in `reportError`. */
export function runCommand<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (err) {
      reportError(err);
    }
  };
}

/** Prints `err` for a person and sets the exit code: 1 for user errors, 2 for internal ones. */
export function reportError(err: unknown, stderr: { write(s: string): unknown } = process.stderr): void {
  const message = userMessage(err);
  if (message !== undefined) {
    stderr.write(`docket: ${message}\n`);
    process.exitCode = 1;
    return;
  }
  const error = err instanceof Error ? err : new Error(String(err));
  const debug = process.env.DOCKET_DEBUG === '1';
  stderr.write(`docket: internal error: ${error.message}\n`);
  stderr.write(debug ? `${error.stack ?? ''}\n` : '(run again with DOCKET_DEBUG=1 to see the stack trace)\n');
  process.exitCode = 2;
}

/** The one-line (or, for an invalid definition, one-block) message for a user error, else undefined. */
export function userMessage(err: unknown): string | undefined {
  if (err instanceof UsageError || err instanceof TemporalUnreachableError) return err.message;
  if (err instanceof EventRejectedError) {
    const reason = err.message.startsWith(`${err.caseId}: `) ? err.message.slice(err.caseId.length + 2) : err.message;
    let line = `case ${err.caseId} rejected ${err.eventType} (${err.code}): ${reason}`;
    // The workflow's message often lists them already.
    if (err.allowed && !/allowed/i.test(reason) && err.code !== 'CASE_CLOSED' && err.code !== 'CASE_STARTING')
      line += err.allowed.length ? `; allowed now for these roles: ${err.allowed.join(', ')}` : '; no event is allowed for these roles now';
    return line;
  }
  if (err instanceof DefinitionInvalidError || err instanceof InvalidInputError || err instanceof CaseNotFoundError) return err.message;
  if (err instanceof CaseNotSettledError) return err.message;
  if (err instanceof EventOutcomeUnknownError) {
    const stuck = err.stuck
      ? `; the case is stuck: its workflow task is on attempt ${err.stuck.attempts} (${err.stuck.cause}: ${err.stuck.message.split('\n')[0]})`
      : '';
    return `case ${err.caseId}: whether ${err.eventType} was applied is not known (${err.reason})${stuck}; send it again with --update-id ${err.updateId}: it is applied at most once`;
  }
  if (err instanceof CaseFailedError) {
    return `${err.eventType ? `${err.eventType} was applied, but ` : ''}case ${err.caseId} failed (${err.code}): ${err.reason}`;
  }
  if (err instanceof DefinitionNotFoundError) return err.message;
  if (err instanceof DeployRefusedError) return `the registry refused the deployment (${err.code}): ${err.message}`;
  if (!(err instanceof Error)) return undefined;
  if (USER_ERROR_NAMES.has(err.name)) return err.message;
  if (err.name === 'WorkflowFailedError') {
    const cause = (err as Error & { cause?: Error }).cause;
    return `the case failed: ${cause?.message ?? err.message}`;
  }
  if (isUnavailable(err)) return new TemporalUnreachableError(currentAddress(), err.message).message;
  return undefined;
}

/**
 * Connects to Temporal (TEMPORAL_ADDRESS etc.), runs `fn`, and closes the connection.
 * A failed connection becomes `TemporalUnreachableError` naming the address.
 * The client SDK is loaded here, not at start-up, so `validate` and `graph` stay quick.
 */
export async function withClient<T>(fn: (client: ProcessClient) => Promise<T>): Promise<T> {
  const { ProcessClient: Client } = await import('../client/process-client');
  const { loadTemporalConfig } = await import('../worker/config');
  const { devSigningKeyFile } = await import('../client/actor-signer');
  const address = loadTemporalConfig().address; // throws ConfigError for a malformed setting
  // Events are signed with DOCKET_ACTOR_SIGNING_KEY, else (development) the key `docket dev` made in the data dir.
  const env = { ...process.env };
  if (!env.DOCKET_ACTOR_SIGNING_KEY?.trim()) {
    const devKey = devSigningKeyFile(env.DOCKET_DATA_DIR?.trim() || '.docket');
    if (devKey) env.DOCKET_ACTOR_SIGNING_KEY = devKey;
  }
  let client: ProcessClient;
  try {
    client = await Client.connect(env);
  } catch (err) {
    if (err instanceof Error && USER_ERROR_NAMES.has(err.name)) throw err;
    throw new TemporalUnreachableError(address, (err as Error)?.message ?? String(err));
  }
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** gRPC UNAVAILABLE (14), or a refused connection, anywhere in the cause chain. */
function isUnavailable(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    if (e.code === 14 || e.code === 'ECONNREFUSED') return true;
    if (
      typeof e.message === 'string' &&
      /ECONNREFUSED|Connection ?refused|Failed to connect before the deadline|14 UNAVAILABLE/.test(e.message)
    )
      return true;
  }
  return false;
}

function currentAddress(): string {
  return process.env.TEMPORAL_ADDRESS?.trim() || 'localhost:7233';
}
