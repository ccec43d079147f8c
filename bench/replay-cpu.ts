/**
 * `npm run bench:replay [-- --times 100] [--pairs 3] [--docket FILE] [--hand FILE]`: the CPU one
 * complaint history costs the workflow code alone, docket against the hand-written workflow, with
 * no server.
 *
 * Why: the live benchmark's CPU ratio moves with the machine over a half hour (docs/performance.md);
 * a replay of a recorded history is the same work every time, so it shows whether a change to the
 * workflow core made a case cheaper. It replays the sample histories `npm run bench` keeps
 * (bench/results/samples/docket.json and hand.json) with Worker.runReplayHistories: what a cached
 * worker runs over a case's life, without validators (refused Updates leave no history).
 *
 * How: each pair runs the two variants at the same time, one child process each (one per core of
 * the 2-core machine), so both see the same machine. Replaying them one after another in one
 * process gave round-to-round ratios from 1.35× to 1.96× for the same code; side by side, two
 * pairs gave 1.32× and 1.30×. A child replays `--times` copies in rounds of ten (the first
 * replay of a round, which starts the replay worker, is not counted), after two warm-up rounds,
 * and reports its CPU (process.cpuUsage, all threads) per replay, median of the rounds. The
 * result is the median of the pairs' ratios.
 *
 * `--only docket|hand` is one child's work (to profile one variant:
 * `node --cpu-prof --import tsx bench/replay-cpu.ts --only docket`).
 *
 * A benchmark: it reports, it checks nothing but that every history replays.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { buildWorkflowBundle } from '../worker/workflow-bundle';
import { fmt, median } from './stats';

type Variant = 'docket' | 'hand';
const ROUNDS = 10;
const WARMUP_ROUNDS = 2;
/** What a child prints last, for the parent. */
const RESULT_PREFIX = 'replay-cpu-result ';

function flags(args: string[]) {
  const flag = (name: string, fallback: string) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
  };
  const times = Number(flag('--times', '100'));
  if (!Number.isInteger(times) || times < ROUNDS)
    throw new Error(`--times must be a whole number of at least ${ROUNDS}, got ${flag('--times', '')}`);
  const pairs = Number(flag('--pairs', '3'));
  if (!Number.isInteger(pairs) || pairs < 1) throw new Error(`--pairs must be a whole number of at least 1, got ${flag('--pairs', '')}`);
  const only = flag('--only', '');
  if (only && only !== 'docket' && only !== 'hand') throw new Error(`--only must be docket or hand, got ${only}`);
  const samples = path.join(__dirname, 'results', 'samples');
  return {
    times,
    pairs,
    only: (only || undefined) as Variant | undefined,
    files: { docket: flag('--docket', path.join(samples, 'docket.json')), hand: flag('--hand', path.join(samples, 'hand.json')) },
  };
}

/** One child's work: replays one variant's history; prints its CPU per replay. */
async function replayOne(v: Variant, times: number, file: string): Promise<void> {
  if (!fs.existsSync(file))
    throw new Error(`${file} does not exist: run \`npm run bench\` once (it keeps one history per variant there), or pass --${v}`);
  const history = historyFromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-replay-cpu-'));
  try {
    const bundle =
      v === 'docket'
        ? { codePath: (await buildWorkflowBundle({ outFile: path.join(tmp, 'docket-workflow-bundle.js') })).path }
        : await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: new DefaultLogger('WARN') });
    const perRound = Math.floor(times / ROUNDS);
    /** Replays `n` copies in one replay worker; CPU ms per replay after the first. */
    const round = async (n: number): Promise<number> => {
      let before: NodeJS.CpuUsage | undefined;
      let done = 0;
      const items = (function* () {
        for (let i = 0; i < n + 1; i++) yield { workflowId: `replay-${v}-${i}`, history };
      })();
      for await (const r of Worker.runReplayHistories(
        {
          workflowBundle: bundle,
          replayName: `replay-cpu-${v}`,
          sinks: { audit: { entry: { fn: () => undefined, callDuringReplay: false } } },
        },
        items,
      )) {
        if (r.error) throw new Error(`replay of the ${v} history failed: ${String(r.error).slice(0, 300)}`);
        if (!before) before = process.cpuUsage();
        else done++;
      }
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1000 / done;
    };
    for (let i = 0; i < WARMUP_ROUNDS; i++) await round(perRound);
    const rounds: number[] = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await round(perRound));
    const ms = median(rounds);
    process.stdout.write(`CPU per replay of one ${v} history, median of ${ROUNDS} rounds of ${perRound}: ${fmt(ms)} ms\n`);
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ variant: v, ms, rounds })}\n`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs one child with `--only v`; resolves with its CPU ms per replay. */
function child(v: Variant, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...process.execArgv, __filename, ...args, '--only', v], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) return reject(new Error(`the ${v} replay exited with code ${code}${out ? `: ${out.slice(-500)}` : ''}`));
      resolve((JSON.parse(line.slice(RESULT_PREFIX.length)) as { ms: number }).ms);
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const o = flags(args);
  if (o.only) return replayOne(o.only, o.times, o.files[o.only]);
  const ratios: number[] = [];
  for (let pair = 1; pair <= o.pairs; pair++) {
    const [docket, hand] = await Promise.all([child('docket', args), child('hand', args)]);
    ratios.push(docket / hand);
    process.stderr.write(
      `pair ${pair}: docket ${fmt(docket)} ms, hand-written ${fmt(hand)} ms CPU per replay, ${(docket / hand).toFixed(2)}×\n`,
    );
  }
  process.stdout.write(
    `CPU per replay of one complaint history, docket / hand-written, median of ${o.pairs} pairs run side by side: ${median(ratios).toFixed(2)}× (${ratios.map((r) => r.toFixed(2)).join(', ')})\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:replay: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
