/**
 * The typed client SDK: start cases, send events, read state, wait for results, list and export.
 *
 * ```ts
 * const docket = await ProcessClient.connect();
 * await docket.start({ path: 'definitions/complaint.yaml', id: 'C-1001', input });
 * await docket.send('C-1001', { type: 'ACCEPT', actor: { id: 'alice', roles: ['agent'] } });
 * ```
 */
import { Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { eventSignal, eventUpdate, stateQuery } from '../contract/handles';
import { DEFAULT_TASK_QUEUE, WORKFLOW_TYPE, type EventInput, type ProcessArgs, type ProcessResult, type Rejection, type StateView } from '../contract/wire';
import type { DefinitionBundle, ProcessDefinition } from '../dsl/types';
import { connectionOptions, loadTemporalConfig } from '../worker/config';
import { bundleFromDefinition, bundleFromFile } from './definition-bundle';
import { CaseNotFoundError, EventRejectedError, InvalidInputError } from './errors';
import { buildListQuery, toCaseSummary, type CaseSummary, type ListOptions } from './list-query';

export interface ProcessClientOptions {
  client: Client;
  /** Task queue the workers listen on (default `docket`, or `DOCKET_TASK_QUEUE`). */
  taskQueue?: string;
}

export interface StartOptions {
  /** A definition file; children it invokes are found in the same directory. */
  path?: string;
  /** Or a validated definition (or a bundle of one with its children). */
  definition?: ProcessDefinition | DefinitionBundle;
  input: Record<string, unknown>;
  /** The business key, used as the workflow id. Starting the same id again returns the existing case. */
  id: string;
  /** Continue as new after this many history events (default 2000); see ProcessArgs. */
  continueAsNewAfter?: number;
}

export interface StartedCase {
  id: string;
  runId: string;
  /** True when a case with this id already existed and was returned instead of starting another. */
  existing: boolean;
  definitionHash: string;
}

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
addFormats(ajv);

export class ProcessClient {
  readonly client: Client;
  readonly taskQueue: string;

  constructor(options: ProcessClientOptions) {
    this.client = options.client;
    this.taskQueue = options.taskQueue ?? process.env.DOCKET_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
  }

  /** Connects using TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and the TLS settings (see README). */
  static async connect(env: NodeJS.ProcessEnv = process.env): Promise<ProcessClient> {
    const config = loadTemporalConfig(env);
    const connection = await Connection.connect(connectionOptions(config));
    return new ProcessClient({ client: new Client({ connection, namespace: config.namespace }), taskQueue: config.taskQueue });
  }

  async close(): Promise<void> {
    await this.client.connection.close();
  }

  async start(options: StartOptions): Promise<StartedCase> {
    const bundle = await this.resolveBundle(options);
    const input = structuredClone(options.input ?? {});
    this.checkInput(bundle.definition, input);
    const args: ProcessArgs = { bundle, input, continueAsNewAfter: options.continueAsNewAfter };
    try {
      const handle = await this.client.workflow.start(WORKFLOW_TYPE, {
        workflowId: options.id,
        taskQueue: this.taskQueue,
        args: [args],
        // A business key names one case for good: a closed case is returned, not started again.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return { id: options.id, runId: handle.firstExecutionRunId, existing: false, definitionHash: bundle.hash };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const description = await this.client.workflow.getHandle(options.id).describe();
      const hash = description.searchAttributes?.DocketDefinitionHash;
      return { id: options.id, runId: description.runId, existing: true, definitionHash: String(Array.isArray(hash) ? hash[0] : (hash ?? '')) };
    }
  }

  /**
   * Delivers an event to a long-running case, starting it first when it does not exist
   * (signal-with-start): the way many cases report to one aggregate process, e.g. a monitor.
   */
  async report(options: Omit<StartOptions, 'input'> & { input?: Record<string, unknown>; event: EventInput }): Promise<{ id: string; runId: string }> {
    const bundle = await this.resolveBundle(options);
    const input = structuredClone(options.input ?? {});
    this.checkInput(bundle.definition, input);
    const args: ProcessArgs = { bundle, input, continueAsNewAfter: options.continueAsNewAfter };
    const handle = await this.client.workflow.signalWithStart(WORKFLOW_TYPE, {
      workflowId: options.id,
      taskQueue: this.taskQueue,
      args: [args],
      signal: eventSignal,
      signalArgs: [options.event],
    });
    return { id: options.id, runId: handle.signaledRunId };
  }

  /** Sends an event as a validated Update; resolves to the new state, or throws `EventRejectedError`. */
  async send(id: string, event: EventInput): Promise<StateView> {
    try {
      return await this.client.workflow.getHandle(id).executeUpdate(eventUpdate, { args: [event] });
    } catch (err) {
      throw this.translate(err, id, event.type);
    }
  }

  /** Sends an event as a Signal (fire-and-forget); a rejected one is recorded in the timeline. */
  async signal(id: string, event: EventInput): Promise<void> {
    try {
      await this.client.workflow.getHandle(id).signal(eventSignal, event);
    } catch (err) {
      throw this.translate(err, id, event.type);
    }
  }

  async state(id: string): Promise<StateView> {
    try {
      return await this.client.workflow.getHandle(id).query(stateQuery);
    } catch (err) {
      throw this.translate(err, id);
    }
  }

  /** Waits for the case to end and returns its outcome. */
  async result(id: string): Promise<ProcessResult> {
    try {
      return (await this.client.workflow.getHandle(id).result()) as ProcessResult;
    } catch (err) {
      throw this.translate(err, id);
    }
  }

  /** Lists cases through Temporal visibility (eventually consistent). */
  async list(options: ListOptions = {}): Promise<CaseSummary[]> {
    const out: CaseSummary[] = [];
    for await (const info of this.client.workflow.list({ query: buildListQuery(options) })) {
      out.push(toCaseSummary(info));
      if (out.length >= (options.limit ?? 100)) break;
    }
    return out;
  }

  /** The case's full history as the JSON `temporal workflow show --output json` writes. */
  async history(id: string): Promise<string> {
    try {
      return historyToJSON(await this.client.workflow.getHandle(id).fetchHistory());
    } catch (err) {
      throw this.translate(err, id);
    }
  }

  private async resolveBundle(options: Pick<StartOptions, 'path' | 'definition'>): Promise<DefinitionBundle> {
    if (options.path) return bundleFromFile(options.path);
    if (!options.definition) throw new TypeError('start() needs `path` or `definition`');
    if ('hash' in options.definition && 'definition' in options.definition) return options.definition;
    return bundleFromDefinition(options.definition as ProcessDefinition);
  }

  /** Checks the input before starting, so a bad payload never creates a case. Applies schema defaults. */
  private checkInput(def: ProcessDefinition, input: Record<string, unknown>): void {
    if (!def.input) return;
    const validate = ajv.compile(def.input);
    if (validate(input)) return;
    throw new InvalidInputError(
      def.process,
      (validate.errors ?? []).map((e) => `input${e.instancePath.replace(/\//g, '.')}: ${e.message}`),
    );
  }

  private translate(err: unknown, id: string, eventType?: string): unknown {
    if (err instanceof WorkflowNotFoundError) return new CaseNotFoundError(id);
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const rejection = (err.cause.details?.[0] as Rejection | undefined) ?? {
        code: (err.cause.type ?? 'INVALID_EVENT') as Rejection['code'],
        message: err.cause.message,
      };
      return new EventRejectedError(id, eventType ?? '', rejection);
    }
    if ((err as { code?: number })?.code === 5 /* gRPC NOT_FOUND */) return new CaseNotFoundError(id);
    return err;
  }
}
