/** Builds visibility queries for `list` and turns results into case summaries. */
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { WORKFLOW_TYPE } from '../contract/wire';

export interface ListOptions {
  /** Only cases of this process id. */
  process?: string;
  /** Only cases running this definition hash (or a prefix of it: at least 8 characters). */
  definitionHash?: string;
  /** Only cases in this state (dotted path) in any parallel region, ancestors included, or whose first state starts with it. */
  state?: string;
  /** Only running (true) or closed (false) cases. */
  running?: boolean;
  /** A Temporal visibility query ANDed with the filters above, e.g. `DocketPriority = 'P0'`. */
  query?: string;
  /** At most this many (default 100). */
  limit?: number;
}

export interface CaseSummary {
  id: string;
  runId: string;
  status: string;
  process?: string;
  state?: string;
  definitionHash?: string;
  priority?: string;
  category?: string;
  owner?: string;
  outcome?: string;
  startTime: string;
  closeTime?: string;
}

export function buildListQuery(options: ListOptions): string {
  const parts = [`WorkflowType = '${WORKFLOW_TYPE}'`];
  if (options.process) parts.push(`DocketProcess = ${quote(options.process)}`);
  if (options.definitionHash) {
    parts.push(
      options.definitionHash.length >= 64
        ? `DocketDefinitionHash = ${quote(options.definitionHash)}`
        : `DocketDefinitionHash STARTS_WITH ${quote(options.definitionHash)}`,
    );
  }
  // DocketStates holds every active state in every region (with its ancestors), kept for
  // definitions with a parallel state; DocketState (the leaf, or a descendant of the path) finds
  // the others, and runs that began before DocketStates existed by their first region.
  if (options.state) {
    const state = quote(options.state);
    parts.push(`(DocketStates = ${state} OR DocketState = ${state} OR DocketState STARTS_WITH ${quote(`${options.state}.`)})`);
  }
  if (options.running !== undefined) parts.push(options.running ? `ExecutionStatus = 'Running'` : `ExecutionStatus != 'Running'`);
  if (options.query) parts.push(`(${options.query})`);
  return parts.join(' AND ');
}

export function toCaseSummary(info: WorkflowExecutionInfo): CaseSummary {
  const sa = (info.searchAttributes ?? {}) as Record<string, unknown[]>;
  const one = (name: string) => (sa[name]?.[0] === undefined ? undefined : String(sa[name][0]));
  return {
    id: info.workflowId,
    runId: info.runId,
    status: info.status.name,
    process: one('DocketProcess'),
    state: one('DocketState'),
    definitionHash: one('DocketDefinitionHash'),
    priority: one('DocketPriority'),
    category: one('DocketCategory'),
    owner: one('DocketOwner'),
    outcome: one('DocketOutcome'),
    startTime: info.startTime.toISOString(),
    closeTime: info.closeTime?.toISOString(),
  };
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
