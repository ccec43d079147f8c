/**
 * A worker of `npm run bench`, run as a child process so its CPU and memory are its own. The
 * parent starts it with an IPC channel and these variables:
 *
 *   BENCH_MODE        `docket` (createDocketWorker: the generic `process` workflow, the registry,
 *                     the real resolveDefinition step) or `baseline` (bench/workflows.ts)
 *   BENCH_ADDRESS     the Temporal frontend
 *   BENCH_TASK_QUEUE  the task queue to poll
 *   DOCKET_MAX_CACHED_WORKFLOWS  the sticky cache size for both modes (default 1000, docket's)
 *
 * Both register the same no-op activities (bench/noop-activities.ts). Messages: the parent sends
 * `{ type: 'stats' }` and gets `{ type: 'stats', cpuMicros, rss, tasks }` (process.cpuUsage covers
 * every thread of the process, the SDK's Rust core included; `tasks` counts what the SDK's core
 * reported so far, bench/task-counts.ts); `{ type: 'stop' }` drains and exits (a worker started with
 * `--cpu-prof` writes its profiles then).
 */
import { DefaultLogger, MetricsBuffer, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createDocketWorker, DEFAULT_MAX_CACHED_WORKFLOWS, maxCachedWorkflows } from '../worker/create-worker';
import { noopActivities } from './noop-activities';
import { noTasks, TASK_METRICS, type TaskCounts } from './task-counts';

type Message = { type: 'stats' } | { type: 'stop' };

async function main(): Promise<void> {
  const mode = process.env.BENCH_MODE;
  const address = required('BENCH_ADDRESS');
  const taskQueue = required('BENCH_TASK_QUEUE');
  // A buffer rather than a Prometheus endpoint: no port to find, and the counts stay in this process.
  const metrics = new MetricsBuffer({ maxBufferSize: 200_000 });
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { metrics: { buffer: metrics } } });
  const tasks: TaskCounts = noTasks();
  // One lookup per update: the buffer carries every metric of the process, docket's own too.
  const keyOf = new Map<string, keyof TaskCounts>(Object.entries(TASK_METRICS).map(([key, name]) => [name, key as keyof TaskCounts]));
  const drain = () => {
    for (const update of metrics.retrieveUpdates()) {
      const key = keyOf.get(update.metric.name);
      if (key) tasks[key] += update.metric.kind === 'counter' ? update.value : 1;
    }
  };
  // Drained often: a full buffer drops updates (docket's case metrics go through it too).
  setInterval(drain, 250).unref();
  const connection = await NativeConnection.connect({ address });
  let worker: Worker;
  if (mode === 'docket') {
    worker = await createDocketWorker({ connection, namespace: 'default', taskQueue, activities: noopActivities, env: process.env });
  } else if (mode === 'baseline') {
    worker = await Worker.create({
      connection,
      namespace: 'default',
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities: noopActivities,
      maxCachedWorkflows: process.env.DOCKET_MAX_CACHED_WORKFLOWS ? maxCachedWorkflows(process.env) : DEFAULT_MAX_CACHED_WORKFLOWS,
    });
  } else {
    throw new Error(`BENCH_MODE must be docket or baseline, got ${mode}`);
  }
  process.on('message', (message: Message) => {
    if (message.type === 'stats') {
      drain();
      const cpu = process.cpuUsage();
      process.send!({ type: 'stats', cpuMicros: cpu.user + cpu.system, rss: process.memoryUsage().rss, tasks: { ...tasks } });
    } else if (message.type === 'stop') {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    }
  });
  // The parent going away must not leave a worker behind.
  process.on('disconnect', () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  });
  const running = worker.run();
  process.send!({ type: 'ready', pid: process.pid });
  await running;
  await connection.close();
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench worker: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
