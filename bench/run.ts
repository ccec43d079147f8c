/**
 * `npm run bench`: docket against the same complaint path written by hand as a Temporal workflow,
 * on one dev server, in one run, with the server's ceiling (an empty workflow and a one-Update
 * workflow) alongside. Reports; never fails a test run (exit 1 only when the benchmark itself
 * could not run).
 *
 *   npm run bench -- [--cases 100] [--rounds 3] [--events 1000] [--histories 50] [--wait 500ms]
 *                    [--warmup 10] [--profile] [--out bench/results]
 *
 * What it does (details in docs/performance.md, "The benchmark"):
 * 1. starts its own Temporal dev server (free ports, temporary data dir) and two workers as child
 *    processes: docket (createDocketWorker, real resolveDefinition) and the baseline worker
 *    (bench/workflows.ts), both with the same no-op activities and cache size;
 * 2. deploys the shipped complaint definition with its follow-up waits shortened (`--wait`, the
 *    3-day and 7-day waits; the deadlines that must not fire stay as shipped) and
 *    bench/definitions/bench-counter.yaml;
 * 3. per round, in rotating order, runs `--cases` cases at once of each variant: docket and
 *    hand-written (start → ACCEPT → RESOLVE → CONFIRM_SOLVED → SATISFACTION → closed), the empty
 *    workflow and the one-Update workflow; measures wall time, worker CPU (the child's
 *    process.cpuUsage), server CPU (/proc), accepted Update round trips, refused Updates, and the
 *    workflow tasks, local activities and sticky cache misses each worker's SDK core counted
 *    (bench/task-counts.ts);
 * 4. fetches the last round's histories: events, JSON and protobuf bytes, workflow tasks per case; replays them
 *    (Worker.runReplayHistories) for histories per second;
 * 5. the growth curve: one case per engine takes `--events` NOTE events one after another; the
 *    round trip at 10, 50, 200 and 1,000 events;
 * 6. prints a table and issue 10's targets met or not (bench/targets.ts), writes
 *    bench/results/<date>.json and bench/results/latest.md.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Client, Connection, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { ProcessClient } from '../client';
import { bundleFromDefinition } from '../client/definition-bundle';
import { SA_DEFINITION_HASH, SA_PROCESS } from '../contract/search-attributes';
import { WORKFLOW_TYPE, type EventInput, type ProcessArgs } from '../contract/wire';
import { loadDefinitionOrThrow, withDecisions } from '../examples/definition-overrides';
import { startDevServer } from '../devserver/dev-server';
import { findTemporalCli } from '../devserver/temporal-cli';
import { buildWorkflowBundle } from '../worker/workflow-bundle';
import { summarizeProfiles, type ProfileSummary } from './profile';
import { fmt, mean, median, percentile, procCpuMs, sleep } from './stats';
import { issue10Targets, targetsTable } from './targets';
import { medianCounts, perCase, type TaskCounts } from './task-counts';
import { emptyWorkflow, handComplaint, handCounter, oneUpdateWorkflow, pingUpdate } from './workflows';

const ROOT = path.join(__dirname, '..');
const VARIANTS = ['docket', 'hand', 'empty', 'oneUpdate'] as const;
type Variant = (typeof VARIANTS)[number];

interface Options {
  cases: number;
  rounds: number;
  events: number;
  histories: number;
  waitMs: number;
  wait: string;
  warmup: number;
  profile: boolean;
  out: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    cases: 100,
    rounds: 3,
    events: 1000,
    histories: 50,
    wait: '500ms',
    waitMs: 500,
    warmup: 10,
    profile: false,
    out: path.join(ROOT, 'bench', 'results'),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const count = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new Error(`${arg} must be a whole number`);
      return n;
    };
    if (arg === '--cases') o.cases = Math.max(1, count());
    else if (arg === '--rounds') o.rounds = Math.max(1, count());
    else if (arg === '--events') o.events = count();
    else if (arg === '--histories') o.histories = count();
    else if (arg === '--warmup') o.warmup = count();
    else if (arg === '--profile') o.profile = true;
    else if (arg === '--out') o.out = path.resolve(value());
    else if (arg === '--wait') {
      o.wait = value();
      const m = /^(\d+)(ms|s)$/.exec(o.wait);
      if (!m) throw new Error('--wait takes e.g. 500ms or 1s');
      o.waitMs = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(fs.readFileSync(__filename, 'utf8').split('*/')[0] + '*/\n');
      process.exit(0);
    } else throw new Error(`unknown option ${arg} (see --help)`);
  }
  return o;
}

/** A worker child process with its stats channel. */
class BenchWorker {
  private waiting: Array<(s: WorkerStats) => void> = [];
  readonly exited: Promise<number | null>;
  private log: string[] = [];

  private constructor(
    readonly name: string,
    readonly taskQueue: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (m: WorkerStats & { type: string }) => {
      if (m.type === 'stats') this.waiting.shift()?.(m);
    });
    const keep = (chunk: Buffer) => {
      this.log.push(...chunk.toString().split('\n').filter(Boolean));
      if (this.log.length > 200) this.log.splice(0, this.log.length - 200);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async start(
    name: string,
    mode: 'docket' | 'baseline',
    address: string,
    taskQueue: string,
    nodeArgs: string[],
    env: Record<string, string> = {},
  ): Promise<BenchWorker> {
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), ...nodeArgs, path.join(__dirname, 'worker.ts')], {
      cwd: ROOT,
      // Events carry their actor as written on both sides: the hand-written workflow verifies no
      // signature either (signed actors, where the worker requires them, are not measured here).
      env: {
        ...process.env,
        BENCH_MODE: mode,
        BENCH_ADDRESS: address,
        BENCH_TASK_QUEUE: taskQueue,
        DOCKET_TASK_QUEUE: taskQueue,
        DOCKET_ALLOW_UNSIGNED_ACTORS: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const worker = new BenchWorker(name, taskQueue, child);
    const killOnExit = () => child.kill('SIGKILL');
    process.on('exit', killOnExit);
    await Promise.race([
      new Promise<void>((resolve) => child.on('message', (m: { type: string }) => m.type === 'ready' && resolve())),
      worker.exited.then((code) =>
        Promise.reject(new Error(`the ${name} worker exited (${code}) before it was ready:\n${worker.log.join('\n')}`)),
      ),
    ]);
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  stats(): Promise<WorkerStats> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.send({ type: 'stats' });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
  }

  tail(): string {
    return this.log.slice(-20).join('\n');
  }
}

/** What a worker child answers to `{ type: 'stats' }` (bench/worker.ts). */
interface WorkerStats {
  cpuMicros: number;
  rss: number;
  tasks: TaskCounts;
}

interface Batch {
  variant: Variant;
  round: number;
  cases: number;
  failed: number;
  wallMs: number;
  casesPerSecond: number;
  workerCpuMsPerCase: number;
  serverCpuMsPerCase: number;
  driverCpuMsPerCase: number;
  workerRssMb: number;
  updateMs: number[];
  refusedUpdatesPerCase: number;
  /** Counted by the worker's SDK core during the batch, per case (bench/task-counts.ts). */
  tasksPerCase: TaskCounts;
  ids: string[];
  errors: string[];
}

const AGENT = { id: 'alice', roles: ['agent'] };
const CUSTOMER = { id: 'cust-7', roles: ['customer'] };
const INTAKE = {
  customerId: 'cust-7',
  customerName: 'Li Wei',
  contact: '+86 138 0000 0000',
  channel: 'wechat',
  category: { level1: 'logistics_delay', level2: 'late parcel' },
  description: 'Parcel two weeks late',
  demand: 'deliver or refund',
  impact: 'ordinary',
};
/** Refusals that mean "not yet": the case has not reached the state that takes the event. */
const NOT_YET = new Set(['EVENT_NOT_ALLOWED', 'CASE_STARTING']);

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const host = machine();
  const t0 = performance.now();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const say = (msg: string) => process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${msg}\n`);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-bench-'));
  const cli = await findTemporalCli();
  say(`starting the dev server (${cli}, data in ${dataDir})`);
  const server = await startDevServer({ dataDir, cliPath: cli });
  const workers: BenchWorker[] = [];
  const profileDir = path.join(dataDir, 'profiles');
  const handProfileDir = path.join(dataDir, 'profiles-hand');
  /** Node's flags for a bench worker: a CPU profile into `dir` with --profile, else none. */
  const profileFlags = (dir: string) => (o.profile ? ['--cpu-prof', '--cpu-prof-dir', dir] : []);
  try {
    const stamp = Date.now().toString(36);
    // docket's workflow bundle, built once: its worker, the replay and the profile's module names use it.
    const docketBundle = (await buildWorkflowBundle({ outFile: path.join(dataDir, 'docket-workflow-bundle.js') })).path;
    say('starting the workers');
    const [docketWorker, baseWorker] = await Promise.all([
      BenchWorker.start('docket', 'docket', server.address, `bench-docket-${stamp}`, profileFlags(profileDir), {
        DOCKET_WORKFLOW_BUNDLE: docketBundle,
      }),
      BenchWorker.start('baseline', 'baseline', server.address, `bench-hand-${stamp}`, profileFlags(handProfileDir)),
    ]);
    workers.push(docketWorker, baseWorker);
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: 'default' });
    const docket = new ProcessClient({ client, taskQueue: docketWorker.taskQueue });

    // The shipped complaint with the 3+7 follow-up waits shortened; everything else as shipped.
    const complaint = withDecisions(loadDefinitionOrThrow(path.join(ROOT, 'definitions', 'complaint.yaml')), {
      confirmAfter: o.wait,
      satisfactionAfter: o.wait,
      followUpWindow: '1h',
    });
    const counter = loadDefinitionOrThrow(path.join(__dirname, 'definitions', 'bench-counter.yaml'));
    const deployed = await docket.deploy([await bundleFromDefinition(complaint, path.join(ROOT, 'definitions')), counter], {
      deployedBy: 'bench',
    });
    const hashOf = (p: string) => deployed.deployed.find((d) => d.process === p)!.hash;
    const complaintHash = hashOf('complaint');
    const counterHash = hashOf('bench-counter');
    // As ProcessClient.start names them: the registry's current version of each child process.
    const complaintChildren = (await docket.definition('complaint', complaintHash)).children ?? {};
    const counterChildren = (await docket.definition('bench-counter', counterHash)).children ?? {};
    say(`deployed complaint ${complaintHash.slice(0, 8)} (waits ${o.wait}) and bench-counter ${counterHash.slice(0, 8)}`);

    const workerOf = (v: Variant) => (v === 'docket' ? docketWorker : baseWorker);

    /** Refused "not yet" Updates by event type, over the whole run (for the JSON result). */
    const refusedByEvent: Record<string, number> = {};
    /** Sends an event Update until the case takes it; returns the accepted round trip (ms). */
    async function send(handle: WorkflowHandle, event: EventInput, refused: { n: number }): Promise<number> {
      const giveUp = Date.now() + 120_000;
      for (const delay = 250; ;) {
        const t = performance.now();
        try {
          await handle.executeUpdate('event', { args: [event] });
          return performance.now() - t;
        } catch (err) {
          const type = err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure ? err.cause.type : undefined;
          if (!type || !NOT_YET.has(type) || Date.now() > giveUp) throw err;
          refused.n++;
          refusedByEvent[event.type] = (refusedByEvent[event.type] ?? 0) + 1;
          await sleep(delay);
        }
      }
    }

    async function complaintCase(variant: 'docket' | 'hand', id: string, updates: number[], refused: { n: number }): Promise<void> {
      const handle =
        variant === 'docket'
          ? await client.workflow.start(WORKFLOW_TYPE, {
              workflowId: id,
              taskQueue: docketWorker.taskQueue,
              args: [{ process: 'complaint', version: complaintHash, children: complaintChildren, input: INTAKE } satisfies ProcessArgs],
              workflowIdReusePolicy: 'REJECT_DUPLICATE',
              // As ProcessClient.start sets them: the workflow then makes no upsert of its own for them.
              typedSearchAttributes: [
                { key: SA_PROCESS, value: 'complaint' },
                { key: SA_DEFINITION_HASH, value: complaintHash },
              ],
            })
          : await client.workflow.start(handComplaint, {
              workflowId: id,
              taskQueue: baseWorker.taskQueue,
              args: [{ ...INTAKE, confirmAfterMs: o.waitMs, satisfactionAfterMs: o.waitMs }],
              workflowIdReusePolicy: 'REJECT_DUPLICATE',
              typedSearchAttributes: [{ key: SA_PROCESS, value: 'hand-complaint' }],
            });
      // The driver waits about as long as the case needs to get there (the intake activity, the
      // follow-up timers), then sends; an event that comes too early is refused and sent again.
      // The dev server fires a timer up to about a second late (seen: a 500 ms wait took 1.2–1.5 s).
      await sleep(150);
      updates.push(await send(handle, { type: 'ACCEPT', actor: AGENT }, refused));
      await sleep(100);
      updates.push(await send(handle, { type: 'RESOLVE', actor: AGENT, data: { resolution: 'parcel delivered' } }, refused));
      await sleep(o.waitMs + 900);
      updates.push(await send(handle, { type: 'CONFIRM_SOLVED', actor: CUSTOMER }, refused));
      await sleep(o.waitMs + 900);
      updates.push(await send(handle, { type: 'SATISFACTION', actor: CUSTOMER, data: { score: 5 } }, refused));
      const result = (await handle.result()) as { outcome: string };
      if (result.outcome !== 'closed') throw new Error(`${id} ended ${result.outcome}, not closed`);
    }

    async function ceilingCase(variant: 'empty' | 'oneUpdate', id: string, updates: number[]): Promise<void> {
      if (variant === 'empty') {
        await client.workflow.execute(emptyWorkflow, { workflowId: id, taskQueue: baseWorker.taskQueue });
        return;
      }
      const handle = await client.workflow.start(oneUpdateWorkflow, { workflowId: id, taskQueue: baseWorker.taskQueue });
      const t = performance.now();
      await handle.executeUpdate(pingUpdate);
      updates.push(performance.now() - t);
      await handle.result();
    }

    async function runBatch(variant: Variant, round: number, cases: number): Promise<Batch> {
      const worker = workerOf(variant);
      const ids = Array.from({ length: cases }, (_, i) => `bench-${variant}-${round < 0 ? 'warmup' : `r${round}`}-${i}-${stamp}`);
      const updates: number[] = [];
      const refused = { n: 0 };
      const errors: string[] = [];
      const before = await worker.stats();
      const serverBefore = procCpuMs(server.pid);
      const driverBefore = process.cpuUsage();
      const start = performance.now();
      await Promise.all(
        ids.map((id) =>
          (variant === 'docket' || variant === 'hand'
            ? complaintCase(variant, id, updates, refused)
            : ceilingCase(variant, id, updates)
          ).catch((err: unknown) => {
            errors.push(`${id}: ${(err as Error)?.message ?? err}`);
          }),
        ),
      );
      const wallMs = performance.now() - start;
      const after = await worker.stats();
      const driver = process.cpuUsage(driverBefore);
      const ok = cases - errors.length;
      return {
        variant,
        round,
        cases,
        failed: errors.length,
        wallMs,
        casesPerSecond: ok / (wallMs / 1000),
        workerCpuMsPerCase: (after.cpuMicros - before.cpuMicros) / 1000 / cases,
        serverCpuMsPerCase: (procCpuMs(server.pid) - serverBefore) / cases,
        driverCpuMsPerCase: (driver.user + driver.system) / 1000 / cases,
        workerRssMb: after.rss / 2 ** 20,
        updateMs: updates,
        refusedUpdatesPerCase: refused.n / cases,
        tasksPerCase: perCase(before.tasks, after.tasks, cases),
        ids,
        errors: errors.slice(0, 5),
      };
    }

    if (o.warmup > 0) {
      say(`warm-up: ${o.warmup} cases of each variant (not counted)`);
      for (const v of VARIANTS) {
        const b = await runBatch(v, -1, o.warmup);
        if (b.failed) throw new Error(`warm-up of ${v} failed: ${b.errors.join('; ')}\n${workerOf(v).tail()}`);
      }
    }

    const batches: Batch[] = [];
    // The profile counts the measured rounds only (not the worker's start, bundling, warm-up).
    const profileWindow = { fromUs: nowUs(), toUs: Infinity };
    for (let round = 1; round <= o.rounds; round++) {
      const order = VARIANTS.map((_, i) => VARIANTS[(i + round - 1) % VARIANTS.length]);
      for (const v of order) {
        await sleep(500); // let the previous batch's last tasks settle
        const b = await runBatch(v, round, o.cases);
        batches.push(b);
        say(
          `round ${round} ${v.padEnd(9)} ${b.cases} cases in ${(b.wallMs / 1000).toFixed(1)}s: ${fmt(b.casesPerSecond)} cases/s, ` +
            `worker CPU ${fmt(b.workerCpuMsPerCase)} ms/case, Update p50 ${fmt(median(b.updateMs))} ms` +
            (b.failed ? `, ${b.failed} FAILED (${b.errors[0]})` : ''),
        );
      }
    }

    profileWindow.toUs = nowUs();

    // Histories of the last round.
    say('fetching histories');
    const lastRound = (v: Variant) => batches.filter((b) => b.variant === v && b.round === o.rounds)[0];
    const histories: Record<string, HistoryStats & { items: Array<{ workflowId: string; history: temporal.api.history.v1.IHistory }> }> =
      {};
    for (const v of VARIANTS) {
      const ids = lastRound(v).ids.slice(0, Math.max(1, o.histories));
      const items = await Promise.all(
        ids.map(async (workflowId) => ({ workflowId, history: await client.workflow.getHandle(workflowId).fetchHistory() })),
      );
      histories[v] = { ...historyStats(items.map((i) => i.history)), items };
    }
    // One history per variant kept as a file, for `docket replay` or a replay profile.
    const samples = path.join(o.out, 'samples');
    fs.mkdirSync(samples, { recursive: true });
    for (const v of VARIANTS) {
      const first = histories[v].items[0];
      if (first) fs.writeFileSync(path.join(samples, `${v}.json`), historyToJSON(first.history as temporal.api.history.v1.History));
    }

    say('replaying histories');
    const replay: Record<string, { histories: number; perSecond: number; failures: number }> = {};
    const bundles = {
      docket: { codePath: docketBundle },
      baseline: await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: new DefaultLogger('WARN') }),
    };
    for (const v of VARIANTS) {
      const items = histories[v].items;
      const stamps: number[] = [];
      let failures = 0;
      for await (const r of Worker.runReplayHistories(
        {
          workflowBundle: v === 'docket' ? bundles.docket : bundles.baseline,
          replayName: `bench-replay-${v}`,
          sinks: { audit: { entry: { fn: () => undefined, callDuringReplay: false } } },
        },
        items,
      )) {
        stamps.push(performance.now());
        if (r.error) {
          failures++;
          if (failures === 1) say(`replay of ${r.workflowId} failed: ${String(r.error).slice(0, 300)}`);
        }
      }
      // The first history pays for the replay worker's start; the rate is over the others.
      const span = stamps.length > 1 ? (stamps[stamps.length - 1] - stamps[0]) / 1000 : NaN;
      replay[v] = { histories: items.length, perSecond: (stamps.length - 1) / span, failures };
    }

    // Growth curve: one case per engine, events one after another.
    const growth: Record<string, GrowthResult> = {};
    if (o.events > 0) {
      for (const v of ['docket', 'hand'] as const) {
        say(`growth curve: ${o.events} NOTE events into one ${v} case`);
        const id = `bench-growth-${v}-${stamp}`;
        const worker = workerOf(v);
        const before = await worker.stats();
        const handle =
          v === 'docket'
            ? await client.workflow.start(WORKFLOW_TYPE, {
                workflowId: id,
                taskQueue: worker.taskQueue,
                args: [{ process: 'bench-counter', version: counterHash, children: counterChildren, input: {} } satisfies ProcessArgs],
              })
            : await client.workflow.start(handCounter, { workflowId: id, taskQueue: worker.taskQueue });
        const latencies: number[] = [];
        const refused = { n: 0 };
        let retried = 0;
        for (let i = 0; i < o.events; i++) {
          for (let attempt = 0; ; attempt++) {
            try {
              latencies.push(
                await send(client.workflow.getHandle(id), { type: 'NOTE', actor: AGENT, data: { text: `note ${i + 1}` } }, refused),
              );
              break;
            } catch (err) {
              // A case that continues as new refuses nothing but may answer "completed" for a moment.
              if (attempt >= 20) throw err;
              retried++;
              await sleep(50);
            }
          }
        }
        const after = await worker.stats();
        const description = await handle.describe();
        const runs = v === 'docket' ? await countRuns(client, id) : 1;
        if (v === 'docket') await send(client.workflow.getHandle(id), { type: 'CLOSE', actor: AGENT }, refused);
        else await handle.terminate('growth curve done');
        growth[v] = growthOf(
          latencies,
          (after.cpuMicros - before.cpuMicros) / 1000 / o.events,
          runs,
          description.historyLength,
          retried + refused.n,
        );
      }
    }

    // Stopped first: the docket worker writes its profiles (one per thread) when it exits.
    for (const w of workers) await w.stop();
    let profile: ProfileSummary | undefined;
    let handProfile: ProfileSummary | undefined;
    if (o.profile) {
      // Both workers are profiled, so a function's cost can be set against the hand-written one's.
      const kept = path.join(o.out, 'profiles', startedAt.toISOString().replace(/[:.]/g, '-'));
      const keep = (dir: string, into: string, bundle?: string): ProfileSummary => {
        const files = fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((f) => path.join(dir, f));
        const summary = summarizeProfiles(files, profileWindow, bundle);
        fs.mkdirSync(into, { recursive: true });
        for (const f of files) fs.copyFileSync(f, path.join(into, path.basename(f)));
        summary.files = files.map((f) => path.relative(ROOT, path.join(into, path.basename(f))));
        return summary;
      };
      profile = keep(profileDir, kept, docketBundle);
      handProfile = keep(handProfileDir, path.join(kept, 'hand'));
    }

    const summary = summarize(batches, histories, replay);
    const result = {
      date: startedAt.toISOString(),
      durationSeconds: Math.round((performance.now() - t0) / 1000),
      options: { ...o, out: path.relative(ROOT, o.out) },
      machine: host,
      git: gitState(),
      temporalCli: cli,
      summary,
      growth,
      refusedByEvent,
      profile,
      handProfile,
      rounds: batches.map(({ ids: _ids, updateMs, ...b }) => ({
        ...b,
        updateP50Ms: median(updateMs),
        updateP99Ms: percentile(updateMs, 99),
        updates: updateMs.length,
      })),
    };
    fs.mkdirSync(o.out, { recursive: true });
    const jsonFile = path.join(o.out, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(jsonFile, `${JSON.stringify(result, null, 2)}\n`);
    const md = markdown(result);
    fs.writeFileSync(path.join(o.out, 'latest.md'), md);
    process.stdout.write(`\n${md}\n`);
    say(`wrote ${path.relative(ROOT, jsonFile)} and ${path.relative(ROOT, path.join(o.out, 'latest.md'))}`);
  } finally {
    for (const w of workers) await w.stop().catch(() => undefined);
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

interface HistoryStats {
  cases: number;
  eventsPerCase: number;
  bytesPerCase: number;
  /** Bytes of the history as protobuf (`History.encode`): what the server stores and sends, payloads not base64-encoded. */
  protoBytesPerCase: number;
  workflowTasksPerCase: number;
  /** Bytes of the largest single payload per case (docket: the resolveDefinition result). */
  largestPayloadBytes: number;
  /** Event types of the first history fetched, with their counts. */
  eventTypes?: Record<string, number>;
  /** Bytes of exported JSON per event type in the first history fetched (where a history's bytes go). */
  bytesByEventType?: Record<string, number>;
}

/** The exported JSON of a history with no events (`{"events":[]}`), subtracted per event. */
const EMPTY_HISTORY_JSON_BYTES = Buffer.byteLength(historyToJSON(temporal.api.history.v1.History.create({ events: [] })));

function historyStats(histories: temporal.api.history.v1.IHistory[]): HistoryStats {
  const events = histories.map((h) => h.events?.length ?? 0);
  const bytes = histories.map((h) => Buffer.byteLength(historyToJSON(h as temporal.api.history.v1.History)));
  const protoBytes = histories.map((h) => temporal.api.history.v1.History.encode(h).finish().length);
  const tasks = histories.map((h) => (h.events ?? []).filter((e) => e.workflowTaskCompletedEventAttributes).length);
  const largest = histories.map((h) =>
    Math.max(
      0,
      ...(h.events ?? []).flatMap((e) => (e.activityTaskCompletedEventAttributes?.result?.payloads ?? []).map((p) => p.data?.length ?? 0)),
    ),
  );
  const eventTypes: Record<string, number> = {};
  const bytesByEventType: Record<string, number> = {};
  for (const e of histories[0]?.events ?? []) {
    const type = Object.keys(e).find((k) => k.endsWith('EventAttributes') && (e as Record<string, unknown>)[k]);
    const name = type ? type[0].toUpperCase() + type.slice(1, -'EventAttributes'.length) : 'unknown';
    eventTypes[name] = (eventTypes[name] ?? 0) + 1;
    const one = Buffer.byteLength(historyToJSON(temporal.api.history.v1.History.create({ events: [e] })));
    bytesByEventType[name] = (bytesByEventType[name] ?? 0) + one - EMPTY_HISTORY_JSON_BYTES;
  }
  return {
    cases: histories.length,
    eventsPerCase: median(events),
    bytesPerCase: median(bytes),
    protoBytesPerCase: median(protoBytes),
    workflowTasksPerCase: median(tasks),
    largestPayloadBytes: median(largest),
    eventTypes,
    bytesByEventType,
  };
}

async function countRuns(client: Client, id: string): Promise<number> {
  let runs = 0;
  let runId: string | undefined = (await client.workflow.getHandle(id).describe()).runId;
  // Walk back through the chain of continued-as-new runs.
  while (runId) {
    runs++;
    const first: temporal.api.history.v1.IWorkflowExecutionStartedEventAttributes | null | undefined = (
      await client.workflow.getHandle(id, runId).fetchHistory()
    ).events?.[0]?.workflowExecutionStartedEventAttributes;
    runId = first?.continuedExecutionRunId || undefined;
  }
  return runs;
}

interface GrowthResult {
  events: number;
  /** Median round trip (ms) of the 10 events ending at each mark. */
  atMarks: Record<string, number>;
  meanAtMarks: Record<string, number>;
  /** Median round trip of events 11–200: an Update to one case with nothing else running. */
  aloneP50Ms: number;
  latenciesMs: number[];
  workerCpuMsPerEvent: number;
  runs: number;
  lastRunHistoryLength: number;
  retries: number;
}

function growthOf(latencies: number[], cpuPerEvent: number, runs: number, historyLength: number, retries: number): GrowthResult {
  const atMarks: Record<string, number> = {};
  const meanAtMarks: Record<string, number> = {};
  for (const mark of [10, 50, 200, 1000]) {
    if (latencies.length < mark) continue;
    const window = latencies.slice(mark - 10, mark);
    atMarks[mark] = median(window);
    meanAtMarks[mark] = mean(window);
  }
  return {
    events: latencies.length,
    atMarks,
    meanAtMarks,
    aloneP50Ms: median(latencies.slice(10, 200)),
    workerCpuMsPerEvent: cpuPerEvent,
    runs,
    lastRunHistoryLength: historyLength,
    retries,
    latenciesMs: latencies.map((l) => Math.round(l * 100) / 100),
  };
}

type Summary = Record<
  Variant,
  {
    casesPerSecond: number;
    workerCpuMsPerCase: number;
    serverCpuMsPerCase: number;
    driverCpuMsPerCase: number;
    workerRssMb: number;
    updateP50Ms: number;
    updateP99Ms: number;
    refusedUpdatesPerCase: number;
    tasksPerCase: TaskCounts;
    failedCases: number;
    history: HistoryStats;
    replayPerSecond: number;
    replayFailures: number;
  }
>;

function summarize(
  batches: Batch[],
  histories: Record<string, HistoryStats>,
  replay: Record<string, { perSecond: number; failures: number }>,
): Summary {
  const out = {} as Summary;
  for (const v of VARIANTS) {
    const bs = batches.filter((b) => b.variant === v);
    const med = (f: (b: Batch) => number) => median(bs.map(f));
    const updates = bs.flatMap((b) => b.updateMs);
    const { cases, eventsPerCase, bytesPerCase, protoBytesPerCase, workflowTasksPerCase, largestPayloadBytes, eventTypes } = histories[v];
    out[v] = {
      casesPerSecond: med((b) => b.casesPerSecond),
      workerCpuMsPerCase: med((b) => b.workerCpuMsPerCase),
      serverCpuMsPerCase: med((b) => b.serverCpuMsPerCase),
      driverCpuMsPerCase: med((b) => b.driverCpuMsPerCase),
      workerRssMb: Math.max(...bs.map((b) => b.workerRssMb)),
      updateP50Ms: percentile(updates, 50),
      updateP99Ms: percentile(updates, 99),
      refusedUpdatesPerCase: med((b) => b.refusedUpdatesPerCase),
      tasksPerCase: medianCounts(
        bs.map((b) => b.tasksPerCase),
        median,
      ),
      failedCases: bs.reduce((n, b) => n + b.failed, 0),
      history: {
        cases,
        eventsPerCase,
        bytesPerCase,
        protoBytesPerCase,
        workflowTasksPerCase,
        largestPayloadBytes,
        eventTypes,
        bytesByEventType: histories[v].bytesByEventType,
      },
      replayPerSecond: replay[v].perSecond,
      replayFailures: replay[v].failures,
    };
  }
  return out;
}

function markdown(r: {
  date: string;
  durationSeconds: number;
  options: Options & { out: string };
  machine: ReturnType<typeof machine>;
  git: ReturnType<typeof gitState>;
  summary: Summary;
  growth: Record<string, GrowthResult>;
  profile?: ProfileSummary;
  handProfile?: ProfileSummary;
  rounds?: Array<{ variant: Variant; round: number; workerCpuMsPerCase: number }>;
}): string {
  const s = r.summary;
  const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '–');
  const rows: Array<[string, (v: Variant) => number]> = [
    ['cases/s end to end', (v) => s[v].casesPerSecond],
    ['worker CPU ms per case', (v) => s[v].workerCpuMsPerCase],
    ['server CPU ms per case', (v) => s[v].serverCpuMsPerCase],
    ['history events per case', (v) => s[v].history.eventsPerCase],
    ['history bytes per case (JSON)', (v) => s[v].history.bytesPerCase],
    ['history bytes per case (protobuf, as stored)', (v) => s[v].history.protoBytesPerCase],
    ['largest activity result bytes', (v) => s[v].history.largestPayloadBytes],
    ['workflow tasks per case (history of the median case)', (v) => s[v].history.workflowTasksPerCase],
    ['Update p50 ms, all cases at once', (v) => s[v].updateP50Ms],
    ['Update p99 ms, all cases at once', (v) => s[v].updateP99Ms],
    [
      'Update p50 ms, one case alone (growth curve, events 11–200)',
      (v) => (v === 'docket' || v === 'hand' ? (r.growth[v]?.aloneP50Ms ?? NaN) : NaN),
    ],
    ['refused (not yet) Updates per case', (v) => s[v].refusedUpdatesPerCase],
    ["workflow tasks per case, the worker's count (SDK core)", (v) => s[v].tasksPerCase.workflowTasks],
    ['local activities per case', (v) => s[v].tasksPerCase.localActivities],
    ['sticky cache misses per case', (v) => s[v].tasksPerCase.stickyCacheMisses],
    ['worker RSS MB (max)', (v) => s[v].workerRssMb],
    ['histories replayed per second', (v) => s[v].replayPerSecond],
  ];
  const lines = [
    `# npm run bench, ${r.date}`,
    '',
    `${r.options.cases} cases at once per variant and round, ${r.options.rounds} rounds (median of rounds; Update percentiles over all rounds), follow-up waits ${r.options.wait}, ` +
      `${r.machine.cpus}× ${r.machine.cpuModel}, ${r.machine.memGiB} GiB, load before ${r.machine.loadBefore.join(' ')}, Node ${r.machine.node}, git ${r.git.commit}${r.git.dirty ? ' (with uncommitted changes)' : ''}; took ${r.durationSeconds} s.`,
    '',
    '| per case | docket | hand-written | docket / hand | empty workflow | one-Update workflow |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      ([name, f]) =>
        `| ${name} | ${fmt(f('docket'))} | ${fmt(f('hand'))} | ${ratio(f('docket'), f('hand'))} | ${fmt(f('empty'))} | ${fmt(f('oneUpdate'))} |`,
    ),
  ];
  // The machine's speed drifts within a run; a round's docket and hand-written batches run close
  // together, so their ratio drifts less than the ratio of the two medians above.
  const cpuOf = (v: Variant, round: number) => r.rounds?.find((b) => b.variant === v && b.round === round)?.workerCpuMsPerCase;
  const pairs = Array.from({ length: r.options.rounds }, (_, i) => [cpuOf('docket', i + 1), cpuOf('hand', i + 1)] as const).filter(
    (p): p is readonly [number, number] => p[0] !== undefined && p[1] !== undefined,
  );
  if (pairs.length)
    lines.push(
      '',
      `Worker CPU ms per case by round, docket / hand-written: ${pairs.map(([d, h]) => `${fmt(d)} / ${fmt(h)} = ${ratio(d, h)}`).join(', ')}; median of the rounds' ratios ${median(pairs.map(([d, h]) => d / h)).toFixed(2)}×.`,
    );
  /** Round trip at the last mark / at the first: the growth curve's one figure. */
  const growthOf = (v: 'docket' | 'hand') => {
    const g = r.growth[v];
    const marks = g ? Object.keys(g.atMarks) : [];
    return g && marks.length > 1 ? g.atMarks[marks[marks.length - 1]] / g.atMarks[marks[0]] : undefined;
  };
  const inputs = (v: 'docket' | 'hand') => ({
    cpuMsPerCase: s[v].workerCpuMsPerCase,
    casesPerSecond: s[v].casesPerSecond,
    protoBytesPerCase: s[v].history.protoBytesPerCase,
    eventsPerCase: s[v].history.eventsPerCase,
    updateP50Ms: s[v].updateP50Ms,
  });
  lines.push(
    '',
    ...targetsTable(
      issue10Targets({
        docket: inputs('docket'),
        hand: inputs('hand'),
        cpuRoundRatios: pairs.map(([d, h]) => d / h),
        docketGrowth: growthOf('docket'),
      }),
    ),
  );
  const failed = VARIANTS.filter((v) => s[v].failedCases || s[v].replayFailures);
  if (failed.length)
    lines.push(
      '',
      `Failures: ${failed.map((v) => `${v}: ${s[v].failedCases} cases failed, ${s[v].replayFailures} replays failed`).join('; ')}`,
    );
  if (r.growth.docket && r.growth.hand) {
    const marks = Object.keys(r.growth.docket.atMarks);
    lines.push(
      '',
      'Growth curve: Update round trip (ms, median of the 10 events ending at the mark) in one case taking NOTE events one after another.',
      '',
      `| events in the case | ${marks.join(' | ')} | last / first | worker CPU ms per event | runs |`,
      `|---|${marks.map(() => '---:').join('|')}|---:|---:|---:|`,
      ...(['docket', 'hand'] as const).map((v) => {
        const g = r.growth[v];
        return `| ${v === 'docket' ? 'docket (bench-counter)' : 'hand-written'} | ${marks.map((m) => fmt(g.atMarks[m])).join(' | ')} | ${ratio(growthOf(v) ?? NaN, 1)} | ${fmt(g.workerCpuMsPerEvent)} | ${g.runs} |`;
      }),
    );
  }
  if (r.profile) {
    lines.push(
      '',
      `Docket worker CPU profile (all threads, measured rounds only, ${fmt(r.profile.busyMs)} ms busy): top self time`,
      '',
      '| function | self ms | share |',
      '|---|---:|---:|',
    );
    lines.push(...r.profile.topFunctions.slice(0, 15).map((f) => `| \`${f.name}\` | ${fmt(f.selfMs)} | ${(f.share * 100).toFixed(1)} % |`));
    lines.push('', '| by package / folder | self ms | share |', '|---|---:|---:|');
    lines.push(...r.profile.byModule.slice(0, 10).map((f) => `| ${f.name} | ${fmt(f.selfMs)} | ${(f.share * 100).toFixed(1)} % |`));
  }
  if (r.handProfile) {
    lines.push(
      '',
      `Hand-written worker CPU profile (all threads, measured rounds only, ${fmt(r.handProfile.busyMs)} ms busy): top self time`,
      '',
      '| function | self ms | share |',
      '|---|---:|---:|',
    );
    lines.push(
      ...r.handProfile.topFunctions.slice(0, 15).map((f) => `| \`${f.name}\` | ${fmt(f.selfMs)} | ${(f.share * 100).toFixed(1)} % |`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Monotonic microseconds, the clock of V8's profile timestamps. */
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

function machine() {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    loadBefore: os.loadavg().map((l) => l.toFixed(2)),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

function gitState(): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT }).toString().trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
