/**
 * Reproduces the shared clearTimeout map of @temporalio/workflow 1.24.0: N concurrent workflows,
 * each with one global setTimeout cleared by an Update, then every history replayed.
 *
 *   npx tsx bench/sdk-cleartimeout/run.ts [cases=10] [maxCachedWorkflows=100]
 */
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { startDevServer } from '../../devserver/dev-server';
import { clearUpdate, timerCase } from './workflows';

async function main(): Promise<void> {
  const cases = Number(process.argv[2] ?? 10);
  const cache = Number(process.argv[3] ?? 100);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-repro-'));
  const server = await startDevServer({ dataDir, searchAttributes: {} });
  try {
    const connection = await NativeConnection.connect({ address: server.address });
    const taskQueue = 'repro';
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities: { noop: async () => 'ok' },
      maxCachedWorkflows: cache,
    });
    const client = new Client({ connection: await Connection.connect({ address: server.address }) });
    const ids = Array.from({ length: cases }, (_, i) => `repro-${i}`);
    const results = await worker.runUntil(async () => {
      const handles = await Promise.all(ids.map((workflowId) => client.workflow.start(timerCase, { taskQueue, workflowId })));
      await Promise.all(handles.map((h) => h.executeUpdate(clearUpdate)));
      return Promise.all(handles.map((h) => h.result().catch((e: Error) => `failed: ${e.message}`)));
    });
    const histories = await Promise.all(
      ids.map(async (workflowId) => ({ workflowId, history: await client.workflow.getHandle(workflowId).fetchHistory() })),
    );
    let replayFailures = 0;
    for await (const r of Worker.runReplayHistories({ workflowsPath: require.resolve('./workflows') }, histories)) {
      if (r.error) {
        replayFailures++;
        if (replayFailures === 1) console.error(r.workflowId, String(r.error).slice(0, 300));
      }
    }
    console.log(JSON.stringify({ cases, maxCachedWorkflows: cache, results: tally(results), replayFailures }));
  } finally {
    await server.stop();
  }
}

const tally = (xs: string[]) => xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});
main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
