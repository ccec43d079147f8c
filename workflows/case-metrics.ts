/**
 * Business metrics of the cases a worker runs, emitted through the workflow's `metricMeter`
 * (@temporalio/workflow): the SDK sends them to the worker's Temporal runtime, which serves them
 * with its own metrics on the Prometheus endpoint (`DOCKET_METRICS_ADDRESS`, worker/logger.ts),
 * tagged with namespace, task queue and workflow type. Nothing is emitted while a workflow
 * replays (the SDK skips it), so a case is counted once however often a worker rebuilds it.
 *
 * Tags carry only names the definition declares (process, event types, deadline names, activity
 * and process names of invocations) or fixed codes: an event type a caller made up is counted as
 * `(undeclared)`, so no caller can grow the number of series.
 */
import type { MetricCounter } from '@temporalio/common';
import { metricMeter, workflowInfo } from '@temporalio/workflow';
import type { ArmedDeadline } from '../compiler/compile';
import { timerIndex, timerKind } from '../compiler/timer-kind';
import type { ProcessDefinition } from '../dsl/types';

/** Metric names (docs/metrics.md lists them with example queries). */
export const CASE_METRICS = {
  casesStarted: 'docket_cases_started',
  casesFinished: 'docket_cases_finished',
  events: 'docket_events',
  deadlines: 'docket_deadlines',
  invocationFailures: 'docket_invocation_failures',
} as const;

export class CaseMetrics {
  private counters: Partial<Record<keyof typeof CASE_METRICS, MetricCounter>> = {};

  constructor(private readonly def: ProcessDefinition) {}

  /** A case started (its first run, not a continue-as-new). */
  started(): void {
    this.count('casesStarted', 'cases started, by process', {});
  }

  /** A case ended: `completed` with its outcome, or `failed` with its failure code. */
  finished(status: 'completed' | 'failed', detail: string): void {
    this.count('casesFinished', 'cases finished, by process, status and outcome or failure code', {
      status,
      [status === 'completed' ? 'outcome' : 'code']: detail,
    });
  }

  /** An event taken in (`accepted`) or refused (`rejected`, with its rejection code), by Update or Signal. */
  event(type: unknown, via: 'update' | 'signal', result: 'accepted' | 'rejected', code?: string): void {
    const declared = typeof type === 'string' && Object.prototype.hasOwnProperty.call(this.def.events ?? {}, type) ? type : '(undeclared)';
    this.count('events', 'events sent to cases, by process, event, channel, result and rejection code', {
      event: declared,
      via,
      result,
      ...(code ? { code } : {}),
    });
  }

  /**
   * An `after` entry that fired or whose state was left first. A deadline is `met` when left first
   * and `missed` when it fired; a wait `elapsed` or was `cancelled`. The kind is the one the
   * definition declares (guessed when it does not), as in the audit's deadline report
   * (compiler/timer-kind.ts, audit/deadlines.ts).
   */
  deadline(deadline: ArmedDeadline, how: 'fired' | 'cleared'): void {
    if (replaying()) return;
    const { kind } = timerKind(this.def, deadline.state, timerIndex(deadline.key));
    const result = kind === 'deadline' ? (how === 'fired' ? 'missed' : 'met') : how === 'fired' ? 'elapsed' : 'cancelled';
    this.count('deadlines', 'deadlines and waits of cases, by process, name, kind and result (met, missed, elapsed, cancelled)', {
      deadline: deadline.name,
      kind,
      result,
    });
  }

  /** An invocation (activity or child process) that failed after its retries. */
  invocationFailed(kind: 'activity' | 'process', name: string): void {
    this.count('invocationFailures', 'invocations that failed after their retries, by process, kind and name', { kind, name });
  }

  private count(key: keyof typeof CASE_METRICS, description: string, tags: Record<string, string>): void {
    if (replaying()) return;
    const counter = (this.counters[key] ??= metricMeter.createCounter(CASE_METRICS[key], undefined, description));
    counter.add(1, { process: this.def.process, ...tags });
  }
}

/** The SDK emits nothing while a workflow replays; the tags are not worked out for nothing either. */
function replaying(): boolean {
  return workflowInfo().unsafe.isReplaying;
}
