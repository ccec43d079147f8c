/**
 * The SDK core's own metrics `npm run bench` counts in each worker (bench/worker.ts reads them from
 * the runtime's metrics buffer; histograms count one per update, counters their sum). They say how
 * much work each case made the worker do, which does not drift with the machine as CPU time does:
 * workflow tasks executed (`workflow_task_execution_latency`: in a run of 20 cases with 2.2 refused
 * Updates per case it counted 11.8 per case, as many as the histories' WorkflowTaskCompleted, so the
 * speculative tasks of refused Updates are not in it; a local activity's result is handled inside
 * the task that ran it), local activities run, and sticky cache misses (a miss replays the whole
 * history).
 */
export const TASK_METRICS = {
  workflowTasks: 'temporal_workflow_task_execution_latency',
  localActivities: 'temporal_local_activity_total',
  stickyCacheMisses: 'temporal_sticky_cache_miss',
} as const;

export type TaskCounts = Record<keyof typeof TASK_METRICS, number>;

export const noTasks = (): TaskCounts => ({ workflowTasks: 0, localActivities: 0, stickyCacheMisses: 0 });

/** `f` applied to each count. */
function eachCount(f: (key: keyof TaskCounts) => number): TaskCounts {
  const out = noTasks();
  for (const key of Object.keys(out) as Array<keyof TaskCounts>) out[key] = f(key);
  return out;
}

/** The counts between two readings, per case. */
export function perCase(before: TaskCounts, after: TaskCounts, cases: number): TaskCounts {
  return eachCount((key) => (after[key] - before[key]) / cases);
}

/** Each count's median over batches (`median` from bench/stats.ts). */
export function medianCounts(batches: TaskCounts[], median: (values: number[]) => number): TaskCounts {
  return eachCount((key) => median(batches.map((b) => b[key])));
}
