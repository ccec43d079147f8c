/**
 * `npm run demo`: runs complaint, refund-approval and gray-release cases to their ends on a real
 * Temporal server and prints each timeline. Uses a server already listening on TEMPORAL_ADDRESS (or on localhost:7233, e.g.
 * `npm start`), else starts the embedded dev server on 7233 with its data in `.docket/`.
 *
 * The demo shortens the complaint's waits (response deadline, "3+7" follow-up) by swapping the
 * timing decision tables in memory; definitions/complaint.yaml keeps its real deadlines.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { activities } from '../activities';
import { DEFAULT_TASK_QUEUE } from '../contract/wire';
import { bundleFromFile, ProcessClient, type StateView } from '../client';
import { loadActorSigningKey, useDevActorKeys } from '../client/actor-signer';
import { printTimeline } from '../cli/output';
import { createDocketWorker } from '../worker/create-worker';
import { createLogger, installRuntimeLogging } from '../worker/logger';
import { withDecisions } from '../examples/definition-overrides';
import { DEFAULT_DEV_PORT, DEFAULT_UI_PORT, startDevServer, type DevServer } from '../devserver/dev-server';
import { findTemporalCli } from '../devserver/temporal-cli';
import { runDemoCases } from './demo-cases';
import { runGrayReleaseDemo } from './gray-demo';
import { runRefundDemo } from './refund-demo';

import { isDefinitionFileName } from '../dsl/file-kinds';

const ROOT = join(__dirname, '..');

function shippedDefinitionFiles(): string[] {
  const dir = join(ROOT, 'definitions');
  return readdirSync(dir)
    .filter(isDefinitionFileName)
    .sort()
    .map((name) => join(dir, name));
}

async function main(): Promise<void> {
  installRuntimeLogging(createLogger({ level: process.env.DOCKET_LOG_LEVEL ?? 'warn' }));
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  let address = process.env.TEMPORAL_ADDRESS;
  let uiUrl = process.env.DOCKET_UI_URL ?? `http://localhost:${DEFAULT_UI_PORT}`;
  let server: DevServer | undefined;
  if (!address) {
    if (await answers(`127.0.0.1:${DEFAULT_DEV_PORT}`)) {
      address = `127.0.0.1:${DEFAULT_DEV_PORT}`;
      say(`Using the Temporal server already running at ${address}.`);
    } else {
      const cliPath = await findTemporalCli({ build: true, onProgress: (line) => say(`  [temporal build] ${line}`) });
      say(`Starting the embedded Temporal dev server (${cliPath}) with its data in .docket/ …`);
      server = await startDevServer({
        dataDir: join(ROOT, '.docket'),
        port: DEFAULT_DEV_PORT,
        uiPort: DEFAULT_UI_PORT,
        namespace,
        cliPath,
      });
      address = server.address;
      uiUrl = server.uiUrl;
    }
  }
  process.env.DOCKET_DATA_DIR ??= join(ROOT, '.docket');
  // Signed actors, as `docket dev` does: its worker and ours trust the local key pair the demo signs with.
  useDevActorKeys(process.env.DOCKET_DATA_DIR);

  // The default queue, so a `docket dev` worker can serve these cases (and the monitor) later.
  const taskQueue = process.env.DOCKET_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
  const workerConnection = await NativeConnection.connect({ address });
  const worker = await createDocketWorker({ connection: workerConnection, namespace, taskQueue, activities });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const docket = new ProcessClient({
    client: new Client({ connection, namespace }),
    taskQueue,
    signingKey: loadActorSigningKey(process.env.DOCKET_ACTOR_SIGNING_KEY!),
  });

  try {
    // Deploy every shipped process first, as an operator would: cases start by name from the registry.
    const deployed = await docket.deployFiles(shippedDefinitionFiles(), { deployedBy: 'demo' });
    say(`Deployed ${deployed.deployed.map((d) => `${d.process} v${d.version} (${d.hash.slice(0, 8)})`).join(', ')}.`);
    const shipped = await bundleFromFile(join(ROOT, 'definitions', 'complaint.yaml'));
    const complaint = withDecisions(shipped.definition, {
      responseDeadline: [{ when: 'context.priority == "P1"', then: '3s' }, { then: '1h' }],
      confirmAfter: '2s',
      satisfactionAfter: '2s',
      followUpWindow: '4s',
    });
    say('Demo timings: P1 response deadline 3s, follow-ups after 2s + 2s (the shipped YAML says 4h, 3d + 4d).\n');
    const results = await runDemoCases(docket, complaint, say);
    say('\nRefund approval (delegated up to 1000 to the team lead) …');
    results.push(...(await runRefundDemo(docket, say)));
    say('\nGray release against a real weighted router on loopback …');
    results.push(...(await runGrayReleaseDemo(docket, say)));
    for (const { id, view } of results) printCase(id, view, uiUrl, namespace);
    say(`\n${results.length} cases finished. Web UI: ${uiUrl}/namespaces/${namespace}/workflows`);
    if (server) say('The demo server stops now; run `npm start` to keep one running and browse these cases.');
  } finally {
    worker.shutdown();
    await running;
    await workerConnection.close();
    await connection.close();
    await server?.stop();
  }
}

function printCase(id: string, view: StateView, uiUrl: string, namespace: string): void {
  const tag = view.context.priority ? `[${view.context.priority}] ` : '';
  say(`\n── ${id}  ${view.process} ${tag}${view.status} → ${view.outcome ?? view.state.join(', ')}`);
  say(`   ${uiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(id)}`);
  printTimeline(view.timeline);
}

async function answers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    await connection.workflowService.getSystemInfo({});
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${(err as Error).message}\n`);
  if (process.env.DOCKET_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
  process.exitCode = 1;
});
