/**
 * The client side of the definition registry: deploy, list, look up and roll back definitions on
 * a task queue's registry workflow (see contract/registry.ts). The first deployment starts the
 * registry (update-with-start), so a fresh namespace needs no setup step.
 */
import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { userInfo } from 'node:os';
import {
  REGISTRY_WORKFLOW_TYPE,
  registryWorkflowId,
  type DeployedDefinition,
  type DeployedVersion,
  type DeployResult,
  type ProcessVersions,
} from '../contract/registry';
import { definitionQuery, definitionsQuery, deployUpdate, setCurrentUpdate } from '../contract/registry-handles';
import type { DefinitionBundle, ProcessDefinition } from '../dsl/types';
import { DefinitionNotFoundError, DeployRefusedError } from './errors';

export interface DeployOptions {
  /** Who deploys, for the deployment log. Default `DOCKET_DEPLOYER`, else the OS user name. */
  deployedBy?: string;
  note?: string;
}

/** Who deploys when nobody says: `DOCKET_DEPLOYER`, else the OS user name. */
export function defaultDeployer(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DOCKET_DEPLOYER?.trim()) return env.DOCKET_DEPLOYER.trim();
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

export class RegistryClient {
  constructor(
    private readonly client: Client,
    readonly taskQueue: string,
  ) {}

  get workflowId(): string {
    return registryWorkflowId(this.taskQueue);
  }

  /** Deploys definitions (bundles are flattened: children are deployed with their parent). */
  async deploy(definitions: Array<ProcessDefinition | DefinitionBundle>, options: DeployOptions = {}): Promise<DeployResult> {
    const flat = flatten(definitions);
    const startWorkflowOperation = new WithStartWorkflowOperation(REGISTRY_WORKFLOW_TYPE, {
      workflowId: this.workflowId,
      taskQueue: this.taskQueue,
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [{}],
    });
    try {
      return await this.client.workflow.executeUpdateWithStart(deployUpdate, {
        args: [{ definitions: flat, deployedBy: options.deployedBy ?? defaultDeployer(), note: options.note }],
        startWorkflowOperation,
      });
    } catch (err) {
      throw refusal(err) ?? err;
    }
  }

  /** Makes an earlier version current again. */
  async setCurrent(process: string, version: number | string, by: string = defaultDeployer()): Promise<DeployedVersion> {
    try {
      return await this.handle().executeUpdate(setCurrentUpdate, { args: [{ process, version, by }] });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw this.nothingDeployed(process);
      const refused = refusal(err);
      if (refused?.code === 'DEFINITION_NOT_FOUND') throw new DefinitionNotFoundError(process, refused.message);
      throw refused ?? err;
    }
  }

  /** Deployed processes with their versions and logs (none when nothing was ever deployed). */
  async list(process?: string): Promise<ProcessVersions[]> {
    try {
      return await this.handle().query(definitionsQuery, { process });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return [];
      throw err;
    }
  }

  /** One deployed version with its body: the current one, or by number or hash. */
  async get(process: string, version?: number | string): Promise<DeployedDefinition> {
    let answer;
    for (let attempt = 1; ; attempt++) {
      try {
        answer = await this.handle().query(definitionQuery, { process, version });
        break;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw this.nothingDeployed(process);
        // A query that timed out (a busy or restarting worker) changed nothing: ask again, twice.
        if (attempt < 3 && isQueryTimeout(err)) continue;
        throw err;
      }
    }
    if (answer.found) return answer.found;
    if (answer.refused?.code === 'DEFINITION_NOT_FOUND') throw new DefinitionNotFoundError(process, answer.refused.message);
    throw new DeployRefusedError(answer.refused?.code ?? 'INVALID_REQUEST', answer.refused?.message ?? 'the registry gave no answer', []);
  }

  private handle() {
    return this.client.workflow.getHandle(this.workflowId);
  }

  private nothingDeployed(process: string): DefinitionNotFoundError {
    return new DefinitionNotFoundError(
      process,
      `nothing is deployed on task queue "${this.taskQueue}": deploy "${process}" with \`docket deploy\``,
    );
  }
}

/** Children before their parents, each process once (the same process twice with different bodies is refused by the registry). */
function flatten(items: Array<ProcessDefinition | DefinitionBundle>): ProcessDefinition[] {
  const out: ProcessDefinition[] = [];
  const seen = new Set<string>();
  const visit = (item: ProcessDefinition | DefinitionBundle): void => {
    if ('definition' in item && 'hash' in item) {
      for (const child of Object.values(item.children ?? {})) visit(child);
      return visit(item.definition);
    }
    const def = item as ProcessDefinition;
    const key = JSON.stringify(def);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(def);
  };
  items.forEach(visit);
  return out;
}

function isQueryTimeout(err: unknown): boolean {
  const cause = (err as { cause?: { code?: number } })?.cause;
  return (
    cause?.code === 4 /* gRPC DEADLINE_EXCEEDED */ ||
    /DEADLINE_EXCEEDED|query timed out/.test(String((err as Error)?.message) + String((cause as Error | undefined)?.message))
  );
}

function refusal(err: unknown): DeployRefusedError | undefined {
  if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) return undefined;
  const details = err.cause.details?.[0] as { problems?: string[] } | undefined;
  return new DeployRefusedError(err.cause.type ?? 'INVALID_REQUEST', err.cause.message, details?.problems ?? []);
}
