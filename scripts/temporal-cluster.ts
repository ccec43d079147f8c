/**
 * A local Temporal cluster for a human (`npm run cluster`): a throwaway PostgreSQL
 * (scripts/postgres-server.ts) holding Temporal's persistence and visibility, and the server's
 * frontend, history, matching and worker services as separate processes (devserver/cluster.ts).
 * Prints the processes and the settings to point docket at it; Ctrl-C stops everything and
 * deletes the data.
 *
 *   npm run cluster                                  # start, run until Ctrl-C
 *   npx tsx scripts/temporal-cluster.ts --build-only # build the server into the cache, print where
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCluster, type TemporalCluster } from '../devserver/cluster';
import { findTemporalServer } from '../devserver/temporal-server';
import { startPostgres, type PostgresServer } from './postgres-server';

const say = (line: string) => process.stderr.write(`[temporal-cluster] ${line}\n`);

async function main(): Promise<void> {
  const build = await findTemporalServer({ build: true, onProgress: say });
  if (process.argv.includes('--build-only')) {
    process.stdout.write(`${build.dir}\n`);
    return;
  }
  let pg: PostgresServer | undefined;
  let cluster: TemporalCluster | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-cluster-'));
  const shutdown = async () => {
    await cluster?.stop();
    await pg?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    pg = await startPostgres();
    say(`PostgreSQL for Temporal on 127.0.0.1:${pg.port} (data in ${pg.dir})`);
    cluster = await startCluster({ postgres: { host: '127.0.0.1', port: pg.port, user: 'docket' }, dataDir, build, onProgress: say });
  } catch (err) {
    await shutdown();
    throw err;
  }
  for (const p of cluster.processes()) {
    say(`${p.service.padEnd(8)} pid ${p.pid}  gRPC 127.0.0.1:${p.grpcPort}  membership :${p.membershipPort}  log ${p.log}`);
  }
  process.stdout.write(`TEMPORAL_ADDRESS=${cluster.address} TEMPORAL_NAMESPACE=${cluster.namespace}\n`);
  say('point docket at it with the line above (e.g. `TEMPORAL_ADDRESS=… docket worker`); Ctrl-C stops it and deletes the data');
  const alive = setInterval(() => {}, 1 << 30);
  const stop = () =>
    void shutdown().then(() => {
      clearInterval(alive);
      process.exit(0);
    });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`temporal-cluster: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
  process.exitCode = 1;
});
