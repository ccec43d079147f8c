/**
 * The typed client SDK: deploy definitions, start cases by process name, send events, read state,
 * wait for results, list and export.
 *
 * ```ts
 * const docket = await ProcessClient.connect();
 * await docket.deployFiles(['definitions/complaint.yaml']);
 * await docket.start({ process: 'complaint', id: 'C-1001', input });
 * await docket.send('C-1001', { type: 'ACCEPT', actor: { id: 'alice', roles: ['agent'] } });
 * ```
 */
import { randomUUID } from 'node:crypto';
import {
  Client,
  Connection,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, type SearchAttributePair } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { eventSignal, eventUpdate, stateQuery } from '../contract/handles';
import type { DeployedDefinition, DeployedVersion, DeployResult, ProcessVersions } from '../contract/registry';
import { SA_DEFINITION_HASH, SA_PROCESS } from '../contract/search-attributes';
import {
  DEFAULT_TASK_QUEUE,
  WORKFLOW_TYPE,
  type CaseStatus,
  type CaseStuck,
  type ChildView,
  type EventInput,
  type EventResult,
  type TimelinePage,
  type ProcessArgs,
  type ProcessResult,
  type Rejection,
  type StateView,
  type TimelineEntry,
} from '../contract/wire';
import type { DefinitionBundle, ProcessDefinition } from '../dsl/types';
import { connectionOptions, loadTemporalConfig } from '../worker/config';
import { bundleFromDefinition, bundleFromFile } from './definition-bundle';
import {
  CaseFailedError,
  CaseNotFoundError,
  CaseNotSettledError,
  EventOutcomeUnknownError,
  EventRejectedError,
  InvalidInputError,
} from './errors';
import { checkSettled, describePending, pollUntil } from './settle';
import { buildListQuery, toCaseSummary, type CaseSummary, type ListOptions } from './list-query';
import { RegistryClient, type DeployOptions } from './registry-client';
import { startTracing, type Tracing } from './tracing-provider';
import { actorSigningInterceptor, loadActorSigningKey, withVouchingIssuer, type ActorSigningKey } from './actor-signer';

/**
 * Largest gRPC message the client takes. A run continues as new at 4 MiB of history, so one page
 * of its history is a little over grpc-js's 4 MiB default and `history` failed with
 * RESOURCE_EXHAUSTED. @temporalio/client 1.24 means to allow 128 MiB but sets the channel option
 * without its `grpc.` prefix, which grpc-js ignores.
 */
const MAX_RECEIVE_MESSAGE_BYTES = 128 * 1024 * 1024;

export interface ProcessClientOptions {
  client: Client;
  /** Task queue the workers listen on (default `docket`, or `DOCKET_TASK_QUEUE`). */
  taskQueue?: string;
  /**
   * Vouch for the actor of every event: each `event` Update and Signal carries an assertion of its
   * actor signed with this key (header `docket-actor`, see contract/actor-assertion.ts). Workers
   * require one unless they allow unsigned actors; they must trust the key's public half.
   */
  signingKey?: ActorSigningKey;
  /** Lifetime of each assertion in seconds (default 300). */
  assertionTtlSeconds?: number;
  /** The process's tracing (client/tracing-provider.ts), flushed by `close()`; its interceptors must already be on `client`. */
  tracing?: Tracing;
}

/** Per-event options of `send` and `signal`. */
export interface EventSendOptions {
  /** The issuer that vouched for the actor (e.g. a verified token's `iss`); default the signing key's issuer. */
  issuer?: string;
  /**
   * `send` only: the event's Temporal update id (default a fresh UUID). Temporal applies an update
   * id at most once per run and answers a repeat with the first result, so sending again with the
   * same id after an unknown outcome never applies the event twice.
   */
  updateId?: string;
  /** `send` only: deadline of each attempt's RPC in milliseconds (default: the connection's). */
  rpcTimeoutMs?: number;
  /**
   * `send` only: how long to keep retrying, with the same update id, while the outcome is unknown
   * (a timeout, an unavailable server, a failed workflow task), in milliseconds (default 60000;
   * 0: no retry). Then `EventOutcomeUnknownError` carries the update id to send again with.
   */
  retryUnknownForMs?: number;
  /** `send` only: called (and awaited) before each retry after an unknown outcome. */
  onRetry?: (info: { attempt: number; updateId: string; reason: string }) => void | Promise<void>;
}

export interface StartOptions {
  /** Process id of a deployed definition, e.g. `complaint`. */
  process?: string;
  /** Deployed version number or definition hash; default the process's current version. */
  version?: number | string;
  /**
   * Development: a definition file. It is deployed first (with the child processes it invokes,
   * found in the same directory) and the case starts with exactly that version.
   */
  path?: string;
  /** Development: a definition (or a bundle with its children), deployed first like `path`. */
  definition?: ProcessDefinition | DefinitionBundle;
  input: Record<string, unknown>;
  /** The business key, used as the workflow id. Starting the same id again returns the existing case. */
  id: string;
  /** Continue as new after this many history events (default 2000); see ProcessArgs. */
  continueAsNewAfter?: number;
  /** Who deploys, with `path` or `definition` (default `DOCKET_DEPLOYER` or the OS user). */
  deployedBy?: string;
  /**
   * Wait up to this many milliseconds for the case to resolve its definition and enter its first
   * state, so a `state()` right after sees it (default 10000; 0 returns at once, with status
   * `starting`). Without a worker on the task queue the wait ends at the limit.
   */
  waitForStartMs?: number;
}

export interface StartedCase {
  id: string;
  runId: string;
  /** True when a case with this id already existed and was returned instead of starting another. */
  existing: boolean;
  process: string;
  definitionHash: string;
  /** Registry version number the new case runs (absent for an existing case). */
  definitionVersion?: number;
  /** `starting` when the case had not resolved its definition within `waitForStartMs`. */
  status: CaseStatus;
  /** Why, when the case failed as it started (status `failed`): the failure's code and message. */
  failure?: { code: string; message: string };
}

/** Temporal execution status of a closed case → docket case status. */
/** Timeline entries read per `state` Query by `timeline()`. */
const TIMELINE_PAGE = 500;

const CLOSED_STATUS: Record<string, CaseStatus> = {
  COMPLETED: 'completed',
  FAILED: 'failed',
  TERMINATED: 'terminated',
  CANCELLED: 'cancelled',
  TIMED_OUT: 'timed_out',
  CONTINUED_AS_NEW: 'continued_as_new',
};

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
addFormats(ajv);

export class ProcessClient {
  readonly client: Client;
  readonly taskQueue: string;
  /** The definition registry of this task queue. */
  readonly registry: RegistryClient;

  /** Set when this client traces its calls (ProcessClient.connect with OTEL_* set); `close()` flushes it. */
  private readonly tracing?: Tracing;

  constructor(options: ProcessClientOptions) {
    this.tracing = options.tracing;
    this.client = options.signingKey ? signingClient(options.client, options.signingKey, options.assertionTtlSeconds) : options.client;
    this.taskQueue = options.taskQueue ?? process.env.DOCKET_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
    this.registry = new RegistryClient(this.client, this.taskQueue);
  }

  /**
   * Connects using TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and the TLS settings (see docs/configuration.md); signs
   * actors with the key file in `DOCKET_ACTOR_SIGNING_KEY` when it is set.
   */
  static async connect(env: NodeJS.ProcessEnv = process.env): Promise<ProcessClient> {
    const config = loadTemporalConfig(env);
    const keyFile = env.DOCKET_ACTOR_SIGNING_KEY?.trim();
    const signingKey = keyFile ? loadActorSigningKey(keyFile) : undefined;
    // Tracing (docs/tracing.md) is read first: a bad OTEL_* value is refused before connecting.
    const tracing = await startTracing('docket-client', env);
    const connection = await Connection.connect({
      ...connectionOptions(config),
      channelArgs: { 'grpc.max_receive_message_length': MAX_RECEIVE_MESSAGE_BYTES },
    });
    const interceptors = tracing ? { workflow: tracing.clientInterceptors } : undefined;
    const client = new Client({ connection, namespace: config.namespace, interceptors });
    return new ProcessClient({ client, taskQueue: config.taskQueue, signingKey, tracing });
  }

  async close(): Promise<void> {
    // A CLI call exits right after its request: send its spans before the process ends.
    await this.tracing?.flush();
    await this.client.connection.close();
  }

  /** Deploys validated definitions (bundles with their children); each becomes its process's current version. */
  deploy(definitions: Array<ProcessDefinition | DefinitionBundle>, options: DeployOptions = {}): Promise<DeployResult> {
    return this.registry.deploy(definitions, options);
  }

  /** Loads, validates and deploys definition files with the children they invoke (throws `DefinitionInvalidError`). */
  async deployFiles(paths: string[], options: DeployOptions = {}): Promise<DeployResult> {
    const bundles: DefinitionBundle[] = [];
    for (const path of paths) bundles.push(await bundleFromFile(path));
    return this.registry.deploy(bundles, options);
  }

  /** Deployed processes with their versions, deployers and times. */
  definitions(process?: string): Promise<ProcessVersions[]> {
    return this.registry.list(process);
  }

  /** A deployed version with its body (default the current one). */
  definition(process: string, version?: number | string): Promise<DeployedDefinition> {
    return this.registry.get(process, version);
  }

  /** Makes an earlier version of a process current again (rollback): new cases start with it. */
  setCurrent(process: string, version: number | string, by?: string): Promise<DeployedVersion> {
    return this.registry.setCurrent(process, version, by);
  }

  /**
   * Starts a case by process name. The input is checked against the deployed definition first, so
   * a bad payload never creates a case; the case runs exactly the version checked against.
   */
  async start(options: StartOptions): Promise<StartedCase> {
    const { target, args } = await this.startArgs(options);
    try {
      const handle = await this.client.workflow.start(WORKFLOW_TYPE, {
        workflowId: options.id,
        taskQueue: this.taskQueue,
        args: [args],
        // A business key names one case for good: a closed case is returned, not started again.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: startAttributes(target),
      });
      const status = await this.waitForStart(options.id, options.waitForStartMs ?? 10_000);
      const failure = status === 'failed' ? await this.failureOf(options.id).catch(() => undefined) : undefined;
      return {
        id: options.id,
        runId: handle.firstExecutionRunId,
        existing: false,
        process: target.process,
        definitionHash: target.hash,
        definitionVersion: target.version,
        status,
        ...(failure ? { failure } : {}),
      };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const description = await this.client.workflow.getHandle(options.id).describe();
      const attribute = (name: string) => {
        const value = description.searchAttributes?.[name];
        return String(Array.isArray(value) ? value[0] : (value ?? ''));
      };
      const status = CLOSED_STATUS[description.status.name] ?? 'running';
      return {
        id: options.id,
        runId: description.runId,
        existing: true,
        process: attribute('DocketProcess'),
        definitionHash: attribute('DocketDefinitionHash'),
        status,
      };
    }
  }

  /**
   * Delivers an event to a long-running case, starting it first when it does not exist
   * (signal-with-start): the way many cases report to one aggregate process, e.g. a monitor.
   */
  async report(
    options: Omit<StartOptions, 'input'> & { input?: Record<string, unknown>; event: EventInput },
  ): Promise<{ id: string; runId: string }> {
    const { target, args } = await this.startArgs(options);
    const handle = await this.client.workflow.signalWithStart(WORKFLOW_TYPE, {
      workflowId: options.id,
      taskQueue: this.taskQueue,
      args: [args],
      signal: eventSignal,
      signalArgs: [options.event],
      typedSearchAttributes: startAttributes(target),
    });
    return { id: options.id, runId: handle.signaledRunId };
  }

  /**
   * Starts a case unless one with this id is running (Temporal's `USE_EXISTING` conflict policy),
   * without waiting for its first step and without sending it anything: a running case gets no
   * history event and no workflow task from the call. A case closed in between describe and start
   * is started again by the start (USE_EXISTING applies to running cases only). Used by many cases that need one
   * long-running companion, e.g. every complaint making sure the complaint monitor runs.
   */
  async ensureStarted(options: StartOptions): Promise<{ id: string; runId: string }> {
    // The common case, the case runs: one describe call answers it, without asking the registry
    // workflow (a query, which a worker must answer) which version a start would run.
    const running = await this.client.workflow
      .getHandle(options.id)
      .describe()
      .then((d) => (d.status.name === 'RUNNING' ? d.runId : undefined))
      .catch(() => undefined);
    if (running) return { id: options.id, runId: running };
    const { target, args } = await this.startArgs(options);
    const handle = await this.client.workflow.start(WORKFLOW_TYPE, {
      workflowId: options.id,
      taskQueue: this.taskQueue,
      args: [args],
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: startAttributes(target),
    });
    return { id: options.id, runId: handle.firstExecutionRunId };
  }

  /**
   * Sends an event as a validated Update; resolves to what the event did (new state, allowed
   * events, deadlines, the context keys it changed, the timeline entries it added), or throws
   * `EventRejectedError`. The whole context and timeline: `state()`.
   */
  async send(id: string, event: EventInput, options: EventSendOptions = {}): Promise<EventResult> {
    const updateId = options.updateId ?? randomUUID();
    // A case refuses events for a moment after its start (CASE_STARTING): nothing was applied, so send again.
    const until = Date.now() + 10_000;
    const unknownUntil = Date.now() + (options.retryUnknownForMs ?? 60_000);
    let attempt = 0;
    for (;;) {
      attempt++;
      try {
        const call = () => this.client.workflow.getHandle(id).executeUpdate(eventUpdate, { args: [event], updateId });
        const result = await withVouchingIssuer(options.issuer, () =>
          options.rpcTimeoutMs === undefined ? call() : this.client.withDeadline(Date.now() + options.rpcTimeoutMs, call),
        );
        // The event was applied and the case failed with it: that is no success (issue 12).
        if (result.status === 'failed') throw await this.caseFailed(id, event.type, result);
        return result;
      } catch (err) {
        const unknown = unknownOutcome(err);
        if (unknown !== undefined) {
          // Temporal may have applied it: only the same update id may be sent again.
          if (Date.now() >= unknownUntil)
            throw new EventOutcomeUnknownError(id, event.type, updateId, unknown, await this.stuckOf(id).catch(() => undefined));
          await options.onRetry?.({ attempt, updateId, reason: unknown });
          await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** Math.min(attempt, 5))));
          continue;
        }
        const translated = await this.translate(err, id, event.type);
        if (!(translated instanceof EventRejectedError && translated.code === 'CASE_STARTING' && Date.now() < until)) throw translated;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Sends an event as a Signal (fire-and-forget); a rejected one is recorded in the timeline. */
  async signal(id: string, event: EventInput, options: EventSendOptions = {}): Promise<void> {
    try {
      await withVouchingIssuer(options.issuer, () => this.client.workflow.getHandle(id).signal(eventSignal, event));
    } catch (err) {
      throw await this.translate(err, id, event.type);
    }
  }

  /**
   * The case's state view with its true status, from Temporal's execution status: a case closed
   * from outside (terminated, cancelled, timed out) or an earlier run that continued as new (with
   * `runId`) says so, with no allowed events and no pending deadlines; a failed case carries the
   * failure's code and message.
   */
  /**
   * The running children's own states, one Query each (a workflow cannot read another's state).
   * A child that does not answer (not started yet, stuck, just closed) is listed without them.
   */
  private async childStates(children: ChildView[]): Promise<ChildView[]> {
    return Promise.all(
      children.map(async (child) => {
        try {
          const view = await this.client.workflow.getHandle(child.id).query(stateQuery, { timelineLimit: 0 });
          return { ...child, state: view.state, status: view.status };
        } catch {
          return child;
        }
      }),
    );
  }

  async state(id: string, options: { runId?: string } & TimelinePage = {}): Promise<StateView> {
    const handle = this.client.workflow.getHandle(id, options.runId);
    let description: Awaited<ReturnType<typeof handle.describe>>;
    try {
      description = await handle.describe();
    } catch (err) {
      throw await this.translate(err, id, undefined, options.runId);
    }
    const closed = CLOSED_STATUS[description.status.name];
    // A running case whose workflow task keeps failing answers no Query: say why, from Temporal.
    const stuck = closed ? undefined : await this.stuckOf(id, options.runId, description.raw.pendingWorkflowTask?.attempt ?? 0);
    let view: StateView;
    try {
      const page: TimelinePage = { timelineFrom: options.timelineFrom, timelineLimit: options.timelineLimit };
      view = await handle.query(stateQuery, page);
    } catch (err) {
      // A case closed before its first workflow task has no state to replay: describe it instead.
      if (!closed && !stuck) {
        // The Query may have failed because the task started failing after the describe.
        const late = await this.stuckOf(id, options.runId).catch(() => undefined);
        if (!late) throw await this.translate(err, id);
        return { ...describedView(id, description, 'running'), stuck: late };
      }
      view = describedView(id, description, closed ?? 'running');
      // No worker could replay it (none running, or code that no longer replays this history): a
      // completed case's result, read from the history by the server, still says how it ended.
      if (closed === 'completed') view = await withRecordedEnd(view, handle);
    }
    if (view.children?.length) view = { ...view, children: await this.childStates(view.children) };
    if (!closed) return stuck ? { ...view, stuck } : view;
    const failure = closed === 'failed' ? await this.failureOf(id, options.runId) : undefined;
    return { ...view, status: closed, allowed: {}, deadlines: [], ...(failure ? { failure } : {}) };
  }

  /**
   * Waits until the case has settled (no workflow task and no activity pending: it will not move
   * until an event, a timer or a child moves it) and, with `state`, is in that state (a dotted
   * path; a leaf's ancestors match too); resolves to its state view then. A case that is not
   * running is settled. Throws `CaseNotSettledError` after `timeoutMs` (default 30 s), naming what
   * is still pending, and at once when the case has closed in other states than `state`.
   * Scripts use it between a start and the first event, which the case's first step may refuse.
   */
  async waitUntilSettled(id: string, options: { timeoutMs?: number; state?: string } = {}): Promise<StateView> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const look = async () => {
      const check = await checkSettled(this.client, id).catch(async (err) => {
        throw await this.translate(err, id);
      });
      return check.settled ? { check, view: await this.state(id) } : { check, view: undefined };
    };
    const wanted = (view: StateView | undefined) =>
      view !== undefined && (options.state === undefined || view.status !== 'running' || inState(view.state, options.state));
    const { value, ready } = await pollUntil(look, ({ view }) => wanted(view), timeoutMs);
    const { check, view } = value;
    if (ready && view && (options.state === undefined || inState(view.state, options.state))) return view;
    if (ready && view) {
      throw new CaseNotSettledError(id, `is ${view.status} in ${view.state.join(', ')} and will not reach ${options.state}`);
    }
    const reason = view
      ? `settled in ${view.state.join(', ')}, not in ${options.state}`
      : `still has ${describePending(check.pending)} pending`;
    throw new CaseNotSettledError(id, reason, timeoutMs);
  }

  /**
   * Whether the case's workflow task keeps failing: a pending task on attempt > 1 (from describe;
   * `attempt` when the caller has it), or a WorkflowTaskFailed as the last workflow-task event of
   * the history. The cause and message are the last WorkflowTaskFailed's.
   */
  async stuckOf(id: string, runId?: string, attempt?: number): Promise<CaseStuck | undefined> {
    const handle = this.client.workflow.getHandle(id, runId);
    const attempts = attempt ?? (await handle.describe()).raw.pendingWorkflowTask?.attempt ?? 0;
    if (attempt !== undefined && attempts <= 1) return undefined;
    const history = await handle.fetchHistory();
    let last: (typeof history.events & object)[number] | undefined;
    for (const event of history.events ?? []) {
      if (
        event.workflowTaskFailedEventAttributes ||
        event.workflowTaskCompletedEventAttributes ||
        event.workflowTaskTimedOutEventAttributes
      )
        last = event;
    }
    const failed = last?.workflowTaskFailedEventAttributes;
    if (attempts <= 1 && !failed) return undefined;
    if (!failed) {
      return {
        attempts,
        cause: last?.workflowTaskTimedOutEventAttributes ? 'TIMED_OUT' : 'UNKNOWN',
        message: 'the workflow task is being retried',
      };
    }
    const cause =
      typeof failed.cause === 'number'
        ? (temporal.api.enums.v1.WorkflowTaskFailedCause[failed.cause] ?? String(failed.cause))
        : String(failed.cause ?? 'UNSPECIFIED');
    return {
      attempts: Math.max(attempts, 1),
      cause: cause.replace(/^WORKFLOW_TASK_FAILED_CAUSE_/, ''),
      message: failed.failure?.message ?? '',
    };
  }

  /** Polls the state Query until the case has resolved its definition (or the time is up). */
  private async waitForStart(id: string, limitMs: number): Promise<CaseStatus> {
    const until = Date.now() + limitMs;
    let status: CaseStatus = 'starting';
    while (limitMs > 0 && Date.now() < until) {
      try {
        status = (await this.state(id)).status;
      } catch {
        status = 'starting'; // no worker yet, or the query timed out: keep waiting within the limit
      }
      if (status !== 'starting') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return status;
  }

  /** The typed error for a case that failed, with the reason its result gives. */
  private async caseFailed(id: string, eventType: string | undefined, result?: EventResult): Promise<CaseFailedError> {
    const failure = await this.failureOf(id).catch(() => undefined);
    return new CaseFailedError(
      id,
      failure?.code ?? 'PROCESS_FAILED',
      failure?.message ?? 'the case failed; see docket result',
      eventType,
      result,
    );
  }

  /** Code (the failure's type) and message of a failed case. */
  private async failureOf(id: string, runId?: string): Promise<StateView['failure']> {
    try {
      await this.client.workflow.getHandle(id, runId).result();
      return undefined;
    } catch (err) {
      let cause = (err as { cause?: unknown }).cause as { type?: string; message?: string; cause?: unknown } | undefined;
      while (cause?.cause && !(cause instanceof ApplicationFailure)) cause = cause.cause as typeof cause;
      return cause ? { code: cause.type ?? 'FAILED', message: cause.message ?? '' } : undefined;
    }
  }

  /**
   * The whole business timeline of the case's run (the current one, or `runId`), oldest first, read
   * from the `state` Query a page of TIMELINE_PAGE entries at a time. A worker must be running to
   * answer; for a case whose workers are gone, `docket audit` reads it from the history.
   */
  async timeline(id: string, options: { runId?: string } = {}): Promise<TimelineEntry[]> {
    const handle = this.client.workflow.getHandle(id, options.runId);
    const entries: TimelineEntry[] = [];
    for (;;) {
      let view: StateView;
      try {
        view = await handle.query(stateQuery, { timelineFrom: entries.length, timelineLimit: TIMELINE_PAGE });
      } catch (err) {
        throw await this.translate(err, id, undefined, options.runId);
      }
      entries.push(...view.timeline);
      if (view.timeline.length === 0 || entries.length >= (view.timelineTotal ?? entries.length)) return entries;
    }
  }

  /** Waits for the case to end and returns its outcome. */
  async result(id: string): Promise<ProcessResult> {
    try {
      return (await this.client.workflow.getHandle(id).result()) as ProcessResult;
    } catch (err) {
      throw await this.translate(err, id);
    }
  }

  /** Lists cases through Temporal visibility (eventually consistent). */
  async list(options: ListOptions = {}): Promise<CaseSummary[]> {
    const out: CaseSummary[] = [];
    for await (const info of this.client.workflow.list({ query: buildListQuery(options) })) {
      // The raw `query` is ANDed to the case filter, but can close its parenthesis and OR other
      // workflows in (the registry, other applications in the namespace): only cases are listed.
      if (info.type !== WORKFLOW_TYPE) continue;
      out.push(toCaseSummary(info));
      if (out.length >= (options.limit ?? 100)) break;
    }
    return out;
  }

  /** The history of the case's latest run (or of `runId`) as the JSON `temporal workflow show --output json` writes. */
  async history(id: string, options: { runId?: string } = {}): Promise<string> {
    try {
      return historyToJSON(await this.client.workflow.getHandle(id, options.runId).fetchHistory());
    } catch (err) {
      throw await this.translate(err, id, undefined, options.runId);
    }
  }

  /**
   * The version a start runs and the workflow input that pins it. The input is checked against the
   * version's schema first (on a copy: the workflow applies the defaults), so a bad payload never
   * creates a case.
   */
  private async startArgs(
    options: Pick<StartOptions, 'process' | 'version' | 'path' | 'definition' | 'deployedBy' | 'continueAsNewAfter'> & {
      input?: Record<string, unknown>;
    },
  ): Promise<{ target: DeployedDefinition; args: ProcessArgs }> {
    const target = await this.target(options);
    this.checkInput(target.definition, structuredClone(options.input ?? {}));
    const args: ProcessArgs = {
      process: target.process,
      version: target.hash,
      input: options.input ?? {},
      continueAsNewAfter: options.continueAsNewAfter,
      // The children's versions as the registry answered them: the worker checks each and can then
      // resolve the definition from memory (one activity round trip less per case).
      ...(target.children ? { children: target.children } : {}),
    };
    return { target, args };
  }

  /** The deployed version a start runs: deployed first when a file or definition is given (development). */
  private async target(
    options: Pick<StartOptions, 'process' | 'version' | 'path' | 'definition' | 'deployedBy'>,
  ): Promise<DeployedDefinition> {
    if (options.path || options.definition) {
      const bundle = options.path ? await bundleFromFile(options.path) : await asBundle(options.definition!);
      const result = await this.registry.deploy([bundle], { deployedBy: options.deployedBy });
      const own = result.deployed.find((d) => d.process === bundle.definition.process && d.hash === bundle.hash)!;
      return this.registry.get(own.process, own.hash);
    }
    if (!options.process) throw new TypeError('start() needs `process` (or, in development, `path` or `definition`)');
    return this.registry.get(options.process, options.version);
  }

  /** Checks the input before starting, so a bad payload never creates a case. */
  private checkInput(def: ProcessDefinition, input: Record<string, unknown>): void {
    if (!def.input) return;
    const validate = ajv.compile(def.input);
    if (validate(input)) return;
    throw new InvalidInputError(
      def.process,
      (validate.errors ?? []).map((e) => `input${e.instancePath.replace(/\//g, '.')}: ${e.message}`),
    );
  }

  /**
   * Maps Temporal's errors to docket's: a rejected Update to `EventRejectedError`; NOT_FOUND (which
   * Temporal also answers for an event to a closed case) to `CASE_CLOSED` when the case exists and
   * is closed, else to `CaseNotFoundError`.
   */
  private async translate(err: unknown, id: string, eventType?: string, runId?: string): Promise<unknown> {
    // A malformed or unknown run id is INVALID_ARGUMENT ("Invalid RunId") or NOT_FOUND.
    const code = (err as { code?: number })?.code;
    if (
      runId !== undefined &&
      (err instanceof WorkflowNotFoundError ||
        code === 3 ||
        code === 5 ||
        /Invalid RunId/i.test(`${(err as Error)?.message} ${(err as { cause?: Error })?.cause?.message}`))
    ) {
      return new CaseNotFoundError(id, runId);
    }
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const rejection = (err.cause.details?.[0] as Rejection | undefined) ?? {
        code: (err.cause.type ?? 'INVALID_EVENT') as Rejection['code'],
        message: err.cause.message,
      };
      return new EventRejectedError(id, eventType ?? '', rejection);
    }
    if (!(err instanceof WorkflowNotFoundError) && (err as { code?: number })?.code !== 5 /* gRPC NOT_FOUND */) return err;
    if (eventType === undefined) return new CaseNotFoundError(id);
    let status: string;
    try {
      status = (await this.client.workflow.getHandle(id).describe()).status.name;
    } catch {
      return new CaseNotFoundError(id);
    }
    if (status === 'RUNNING') return err;
    const shown = (CLOSED_STATUS[status] ?? status.toLowerCase()).replace(/_/g, ' ');
    return new EventRejectedError(id, eventType, {
      code: 'CASE_CLOSED',
      message: `case ${id} is ${shown}; it accepts no more events`,
      allowed: [],
    });
  }
}

/** The same connection and namespace, with the actor-signing interceptor added to the client's own. */
function signingClient(client: Client, key: ActorSigningKey, ttlSeconds?: number): Client {
  const own = client.options.interceptors?.workflow;
  const workflow = Array.isArray(own) ? own : own ? [own as never] : [];
  return new Client({
    connection: client.connection,
    namespace: client.options.namespace,
    dataConverter: client.options.dataConverter,
    identity: client.options.identity,
    interceptors: { ...client.options.interceptors, workflow: [...workflow, actorSigningInterceptor(key, ttlSeconds)] },
  });
}

/**
 * Why Temporal could not say whether an Update was applied, or undefined when it said: an RPC
 * that timed out or was cancelled, an unavailable server, a workflow task that failed with the
 * Update in it.
 */
export function unknownOutcome(err: unknown): string | undefined {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return `the call timed out or was cancelled: ${err.message}`;
  if (!(err instanceof ServiceError)) return undefined;
  const grpc = (err as { cause?: { code?: number; details?: string; message?: string } }).cause;
  const detail = grpc?.details ?? grpc?.message ?? err.message;
  if (grpc?.code === 4 /* DEADLINE_EXCEEDED */ || grpc?.code === 1 /* CANCELLED */) return `the call timed out: ${detail}`;
  if (grpc?.code === 14 /* UNAVAILABLE */) return `Temporal was unavailable: ${detail}`;
  // e.g. FAILED_PRECONDITION "… update due to Workflow Task in failed state", "… unexpected workflow task failure".
  if (/workflow task.*(fail|timed out)/i.test(`${detail} ${err.message}`)) return `the workflow task failed: ${detail}`;
  return undefined;
}

/**
 * The search attributes a start sets: the process and the full hash of the version it starts. The
 * workflow then makes no upsert of its own for them (one history event less per case); it checks
 * both against what it resolves and upserts both when either differs (workflows/search-attributes.ts).
 */
function startAttributes(target: Pick<DeployedDefinition, 'process' | 'hash'>): SearchAttributePair[] {
  return [
    { key: SA_PROCESS, value: target.process },
    { key: SA_DEFINITION_HASH, value: target.hash },
  ];
}

/** The view of a case no Query answered: what describe knows. */
function describedView(id: string, description: { searchAttributes?: Record<string, unknown> }, status: CaseStatus): StateView {
  const attribute = (name: string) => {
    const value = description.searchAttributes?.[name];
    return String(Array.isArray(value) ? (value[0] ?? '') : (value ?? ''));
  };
  return {
    workflowId: id,
    process: attribute('DocketProcess'),
    title: '',
    definitionHash: attribute('DocketDefinitionHash'),
    status,
    state: [],
    context: {},
    allowed: {},
    deadlines: [],
    timeline: [],
  };
}

/** The view with the end a completed case recorded in its result (outcome, final state, context, hash); as it was when unreadable. */
async function withRecordedEnd(view: StateView, handle: WorkflowHandle): Promise<StateView> {
  const result = (await handle.result().catch(() => undefined)) as ProcessResult | undefined;
  if (!result) return view;
  const { outcome, state, context, definitionHash } = result;
  return { ...view, outcome, state, context, definitionHash: definitionHash || view.definitionHash };
}

async function asBundle(definition: ProcessDefinition | DefinitionBundle): Promise<DefinitionBundle> {
  if ('hash' in definition && 'definition' in definition) return definition;
  return bundleFromDefinition(definition as ProcessDefinition);
}

/** Whether one of the active leaf states is `path` or inside it. */
function inState(leaves: string[], path: string): boolean {
  return leaves.some((leaf) => leaf === path || leaf.startsWith(`${path}.`));
}
