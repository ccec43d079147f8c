/**
 * Every ```sh block of README.md and docs/*.md runs here, as a reader would paste it into bash
 * (`set -euo pipefail`), so a command the docs show that stops working fails the suite. A block
 * that needs a long-running process (a server, a worker, `npm start`), a real cluster, or runs the
 * test suite itself is marked in the doc with `<!-- docs-test: skip REASON -->` on the line
 * before its fence; the test lists them and checks each has a reason.
 *
 * The blocks run against this run's dev server and a `docket worker` process, in a scratch
 * directory whose entries link to the repository's (so `definitions/`, `tests/histories` and
 * `./worker/config` resolve, and the files a block writes land in the scratch directory). Two
 * things of the reader's machine are this run's instead, written into the script before it runs:
 * the dev server's default address `127.0.0.1:7233` is this run's server, and the task queue
 * `docket` is this test's own queue (so no other test's worker takes its tasks). `docket`,
 * `npx docket` and `temporal` are the compiled CLI and the Temporal CLI of this run, and
 * DOCKET_DEPLOYER is ops.anna, whose session docs/cli.md shows.
 *
 * The registry of this queue starts empty, so the transcripts of docs/cli.md see what a reader has
 * after the README's quick start (its sh block deploys and starts C-1001): they tell one session
 * in page order (deploy again, an edited refund-approval as v2, rollback, new cases, events, state,
 * list) and must be run in that order.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findTemporalCli } from '../../devserver/temporal-cli';
import { docPages, ROOT, shellBlocks, transcriptBlocks } from '../support/markdown';
import { matchesTranscript, normaliseOutput } from '../support/transcript';
import { spawnWorkerProcess } from '../support/worker-process';
import { startHarness, type Harness } from '../support/harness';

const blocks = docPages().flatMap(shellBlocks);
const runnable = blocks.filter((b) => !b.skip);
const transcripts = docPages().flatMap(transcriptBlocks);

let h: Harness;
let worker: ChildProcess;
let scratch: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  h = await startHarness({ withWorker: false });
  // As under `docket dev` (development mode), which the docs' examples assume: unsigned actors (the `temporal` CLI's) are accepted.
  worker = spawnWorkerProcess(h, { env: { DOCKET_ALLOW_UNSIGNED_ACTORS: '1' } });
  scratch = mkdtempSync(join(tmpdir(), 'docket-docs-'));
  for (const entry of readdirSync(ROOT)) if (entry !== '.git') symlinkSync(join(ROOT, entry), join(scratch, entry));
  const bin = join(scratch, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'docket'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin', 'docket.js')}" "$@"\n`);
  chmodSync(join(bin, 'docket'), 0o755);
  const temporal = await findTemporalCli();
  env = {
    ...process.env,
    PATH: [bin, dirname(temporal), dirname(process.execPath), process.env.PATH].join(':'),
    TEMPORAL_ADDRESS: h.address,
    TEMPORAL_NAMESPACE: h.namespace,
    DOCKET_TASK_QUEUE: h.taskQueue,
    DOCKET_LOG_LEVEL: 'warn',
    // docs/cli.md's session is ops.anna's shell: the deployments it shows (the quick start's too) are hers.
    DOCKET_DEPLOYER: 'ops.anna',
  };
}, 300_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
  }
  await h?.stop();
});

it('marks every block it does not run with a reason', () => {
  const skipped = blocks.filter((b) => b.skip !== undefined);
  for (const b of skipped) expect(b.skip!.trim().length).toBeGreaterThan(10);
  // The count is printed so a reviewer sees how much of the docs is not run.
  process.stderr.write(
    `docs: ${blocks.length} sh blocks, ${runnable.length} run, ${skipped.length} skipped:\n${skipped.map((b) => `  ${b.page}:${b.line}: ${b.skip}`).join('\n')}\n`,
  );
});

it('marks every transcript it does not run with a reason', () => {
  const skipped = transcripts.filter((b) => b.skip !== undefined);
  for (const b of skipped) expect(b.skip!.trim().length).toBeGreaterThan(10);
  const commands = (list: typeof transcripts) => list.reduce((n, b) => n + b.commands.length, 0);
  process.stderr.write(
    `docs: ${transcripts.length} transcripts (${commands(transcripts)} commands), ${transcripts.length - skipped.length} run (${commands(transcripts) - commands(skipped)} commands), ${skipped.length} skipped:\n${skipped.map((b) => `  ${b.page}:${b.line}: ${b.skip}`).join('\n')}\n`,
  );
});

it.each(runnable.map((b) => [`${b.page}:${b.line}`, b] as const))(
  '%s runs',
  (_where, block) => {
    const script = block.code.replace(/127\.0\.0\.1:7233/g, h.address).replace(/--task-queue docket\b/g, `--task-queue ${h.taskQueue}`);
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: scratch, env, encoding: 'utf8', timeout: 240_000 });
    // A command still running at the timeout is killed, and may exit 0 on SIGTERM (a worker drains): that is a failure too.
    if (run.error || run.status !== 0) {
      throw new Error(
        `${block.page}:${block.line} exited ${run.error ? `${run.error.message}, ` : ''}${run.status ?? run.signal}\n--- script\n${script}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`,
      );
    }
  },
  300_000,
);

/**
 * Transcripts (`$ docket …` and the output the docs show under it) run after the sh blocks, in page
 * order, each command in bash with stdout and stderr together (as a terminal shows them), and the
 * output must match what the page shows after tests/support/transcript.ts normalises both sides
 * (times, durations, ids that differ each run). A command's exit status is not checked: some show
 * a refusal.
 */
it.each(transcripts.filter((b) => !b.skip).map((b) => [`${b.page}:${b.line}`, b] as const))(
  'transcript %s shows what it prints',
  (_where, block) => {
    for (const c of block.commands) {
      const script = c.command.replace(/127\.0\.0\.1:7233/g, h.address);
      const run = spawnSync('bash', ['-o', 'pipefail', '-c', `${script} 2>&1`], { cwd: scratch, env, encoding: 'utf8', timeout: 240_000 });
      if (run.error) throw new Error(`${block.page}:${c.line}: ${c.command}: ${run.error.message}`);
      if (!matchesTranscript(c.output, run.stdout)) {
        throw new Error(
          `${block.page}:${c.line}: \`${c.command}\` printed something else (normalised, as compared):\n--- the page shows\n${normaliseOutput(c.output)}\n--- printed\n${normaliseOutput(run.stdout)}`,
        );
      }
    }
  },
  300_000,
);
