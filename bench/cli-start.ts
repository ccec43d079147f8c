/**
 * `npm run bench:cli`: how long the compiled CLI takes to answer, the way a process owner runs it.
 * Spawns `node bin/docket.js --help` and `node bin/docket.js validate` (the shipped definitions)
 * `--runs` times each (default 10) after one warm-up run, and prints min / median / max wall time
 * against the targets (0.3 s and 1 s). A report, not a test: it never fails on a slow machine;
 * exit 1 only when a command itself fails or the CLI is not built (`npm run build`).
 *
 *   npm run bench:cli -- [--runs 10]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'docket.js');

interface Case {
  label: string;
  args: string[];
  targetMs: number;
}

const CASES: Case[] = [
  { label: 'docket --help', args: ['--help'], targetMs: 300 },
  { label: 'docket validate (definitions/)', args: ['validate'], targetMs: 1000 },
];

function runOnce(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0) {
    throw new Error(`\`docket ${args.join(' ')}\` exited ${result.status}:\n${result.stderr || result.stdout}`);
  }
  return ms;
}

function main(): void {
  const at = process.argv.indexOf('--runs');
  const runs = at > 0 ? Number(process.argv[at + 1]) : 10;
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs: expected a whole number of runs (1 or more), got "${process.argv[at + 1]}"`);
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('the CLI is not built: run `npm run build` first');

  console.log(`node ${process.version}, ${runs} runs each after one warm-up, wall time of the whole process`);
  console.log('');
  console.log('| command | min | median | max | target |');
  console.log('|---|---:|---:|---:|---:|');
  for (const c of CASES) {
    runOnce(c.args); // warm-up: the file system cache, not the CLI, is what the first run measures
    const times = Array.from({ length: runs }, () => runOnce(c.args)).sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    const s = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
    const verdict = median <= c.targetMs ? 'met' : 'MISSED';
    console.log(`| ${c.label} | ${s(times[0])} | ${s(median)} | ${s(times[times.length - 1])} | ${s(c.targetMs)} ${verdict} |`);
  }
}

try {
  main();
} catch (err) {
  process.stderr.write(`bench:cli: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
