/**
 * Cases per second with 1 and then 2 worker processes, in one run, on one shared PostgreSQL
 * activity store: the figures in docs/operations.md.
 *
 *   npx tsx scripts/worker-throughput.ts [--cases 100] [--cluster]
 *
 * Starts its own Temporal dev server (with `--cluster`: a local Temporal cluster, four server
 * processes on a PostgreSQL of their own, devserver/cluster.ts), a throwaway PostgreSQL (scripts/postgres-server.ts) and the
 * workers (`docket worker` child processes, each with its own data directory), deploys the shipped
 * definitions, then per phase runs `--cases` refund cases at once, each start → lead APPROVE →
 * issueRefund (paid in the shared ledger) → approved, and prints the wall time, cases per second
 * and how the cases' payments were spread over the workers. Every refund must be in the ledger
 * exactly once, or the script fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { PostgresStore } from '../activities/postgres-store';
import { ProcessClient } from '../client';
import { ensureActorKeyPair, loadActorSigningKey } from '../client/actor-signer';
import { buildWorkflowBundle } from '../worker/workflow-bundle';
import { startCluster } from '../devserver/cluster';
import { startDevServer } from '../devserver/dev-server';
import { startPostgres } from './postgres-server';

const ROOT = path.join(__dirname, '..');
const argCases = process.argv.indexOf('--cases');
const CASES = argCases > 0 ? Number(process.argv[argCases + 1]) : 100;
const ON_CLUSTER = process.argv.includes('--cluster');

/** The Temporal server the run uses: the dev server, or a cluster on its own PostgreSQL. */
async function startTemporal(dir: string): Promise<{ address: string; describe: string; stop(): Promise<void> }> {
  if (!ON_CLUSTER) {
    const server = await startDevServer({ dataDir: dir });
    return { address: server.address, describe: 'Temporal dev server (SQLite)', stop: server.stop };
  }
  const pg = await startPostgres();
  try {
    const cluster = await startCluster({
      postgres: { host: '127.0.0.1', port: pg.port, user: 'docket' },
      dataDir: path.join(dir, 'cluster'),
    });
    return {
      address: cluster.address,
      describe: `Temporal cluster: ${cluster
        .processes()
        .map((p) => `${p.service} pid ${p.pid}`)
        .join(', ')} on PostgreSQL`,
      stop: async () => {
        await cluster.stop();
        await pg.stop();
      },
    };
  } catch (err) {
    await pg.stop();
    throw err;
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-throughput-'));
  const server = await startTemporal(dir);
  const pg = await startPostgres();
  const ledger = new PostgresStore(pg.url);
  const bundle = await buildWorkflowBundle({ outFile: path.join(dir, 'workflow-bundle.js') });
  const keys = ensureActorKeyPair(path.join(dir, 'keys'), 'throughput');
  const taskQueue = 'throughput';
  const workers: ChildProcess[] = [];
  const spawnWorker = (name: string) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'docket.js'), 'worker'], {
      cwd: ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: server.address,
        DOCKET_TASK_QUEUE: taskQueue,
        DOCKET_DATA_DIR: path.join(dir, name),
        DOCKET_STORE_URL: pg.url,
        DOCKET_WORKFLOW_BUNDLE: bundle.path,
        DOCKET_ACTOR_SIGNING_KEY: keys.signingKeyFile,
        DOCKET_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    workers.push(child);
    return `${child.pid}@${os.hostname()}`;
  };
  const connection = await Connection.connect({ address: server.address });
  const docket = new ProcessClient({ client: new Client({ connection }), taskQueue, signingKey: loadActorSigningKey(keys.signingKeyFile) });
  const pollers = async () => {
    const { pollers: list } = await docket.client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: taskQueue },
      taskQueueType: 2,
    });
    return new Set((list ?? []).map((p) => p.identity));
  };
  const waitPolling = async (ids: string[]) => {
    for (;;) {
      const s = await pollers();
      if (ids.every((id) => s.has(id))) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  try {
    const identities = [spawnWorker('w1')];
    await waitPolling(identities);
    await docket.deployFiles(
      fs
        .readdirSync(path.join(ROOT, 'definitions'))
        .filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml')) // not the scenario files
        .map((f) => path.join(ROOT, 'definitions', f)),
      { deployedBy: 'throughput' },
    );
    const rows: string[] = [];
    for (const count of [1, 2]) {
      if (count === 2) {
        identities.push(spawnWorker('w2'));
        await waitPolling(identities);
      }
      const ids = Array.from({ length: CASES }, (_, i) => `tp-${count}w-${i}`);
      const started = performance.now();
      await Promise.all(
        ids.map(async (id, i) => {
          await docket.start({
            process: 'refund-approval',
            id,
            input: { caseId: id, amount: 10 + (i % 900), requestedBy: 'alice', customerId: 'c', reason: 'throughput' },
          });
          for (;;) {
            const view = await docket.state(id);
            if (view.state.includes('review.lead')) break;
            await new Promise((r) => setTimeout(r, 100));
          }
          await docket.send(id, { type: 'APPROVE', actor: { id: 'chen.lead', roles: ['lead'] } });
          const result = await docket.result(id);
          if (result.outcome !== 'approved') throw new Error(`${id} ended ${result.outcome}`);
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const paid = await Promise.all(ids.map((id) => ledger.refundLedger({ refundId: id })));
      if (!paid.every((p) => p.length === 1)) throw new Error(`a refund was not paid exactly once with ${count} worker(s)`);
      const spread = new Map<string, number>();
      for (const id of ids) {
        const events = JSON.parse(await docket.history(id)).events as Array<{ activityTaskStartedEventAttributes?: { identity?: string } }>;
        for (const e of events) {
          const identity = e.activityTaskStartedEventAttributes?.identity;
          if (identity) spread.set(identity, (spread.get(identity) ?? 0) + 1);
        }
      }
      rows.push(
        `${count} worker${count > 1 ? 's' : ' '}  ${CASES} cases  ${seconds.toFixed(1)} s  ${(CASES / seconds).toFixed(2)} cases/s  ` +
          `refunds paid once: ${paid.length}/${CASES}  activity tasks per worker: ${identities.map((i) => spread.get(i) ?? 0).join(' / ')}`,
      );
      process.stderr.write(`${rows.at(-1)}\n`);
    }
    process.stdout.write(
      `${server.describe}\ncpus: ${os.cpus().length}, load average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n${rows.join('\n')}\n`,
    );
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
    await connection.close();
    await ledger.close();
    await pg.stop();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`worker-throughput: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
