/**
 * One worker and one client per test file, on the Temporal server the global setup started,
 * with a task queue and an outbox database of their own so test files never see each other.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { activities, closeStore } from '../../activities';
import { ProcessClient } from '../../client';
import { ensureActorKeyPair, loadActorSigningKey, trustedKeyOf, type ActorSigningKey } from '../../client/actor-signer';
import type { ActorTrust } from '../../contract/actor-assertion';
import { createDocketWorker } from '../../worker/create-worker';
import { createLogger, installRuntimeLogging } from '../../worker/logger';
import { testServer } from './server';
import { shippedDefinitionFiles } from './test-definitions';

export interface Harness {
  docket: ProcessClient;
  taskQueue: string;
  address: string;
  namespace: string;
  bundlePath: string;
  dataDir: string;
  /** The key the harness's ProcessClient signs actors with (its worker trusts it). */
  signingKey: ActorSigningKey;
  /** The worker's actor rule: signed actors required (unless `allowUnsignedActors`), the harness key trusted. */
  actorTrust: ActorTrust;
  /** A case id unique to this run. */
  caseId(name: string): string;
  /** Deploys every shipped definition (done at start unless `withWorker: false` or `deploy: false`). */
  deployShipped(): Promise<void>;
  /** Starts another worker on the same task queue (e.g. after the first one died). */
  startWorker(): Promise<{ worker: Worker; stop(): Promise<void> }>;
  stop(): Promise<void>;
}

/**
 * `withWorker: false` leaves the task queue without a worker until `startWorker()` is called;
 * `deploy: false` leaves the registry empty (by default every shipped definition is deployed).
 */
export async function startHarness(
  options: { withWorker?: boolean; deploy?: boolean; allowUnsignedActors?: boolean } = {},
): Promise<Harness> {
  const server = testServer();
  // Worker and activity logs only when something goes wrong; DOCKET_LOG_LEVEL=info shows them all.
  installRuntimeLogging(createLogger({ level: process.env.DOCKET_LOG_LEVEL ?? 'warn' }));
  const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const taskQueue = `test-${run}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'docket-test-data-'));
  process.env.DOCKET_DATA_DIR = dataDir;
  // Activities that talk to Temporal themselves (signalProcess, startProcess, countCases) connect with these.
  process.env.TEMPORAL_ADDRESS = server.address;
  process.env.TEMPORAL_NAMESPACE = server.namespace;
  closeStore();
  // Signed actors, as in production: the worker requires them and trusts this key; the client signs
  // with it, and so do activities that send events themselves (signalProcess, via the env).
  const keyFiles = ensureActorKeyPair(join(dataDir, 'actor-keys'), 'docket-test');
  process.env.DOCKET_ACTOR_SIGNING_KEY = keyFiles.signingKeyFile;
  const signingKey = loadActorSigningKey(keyFiles.signingKeyFile);
  const actorTrust: ActorTrust = { required: !options.allowUnsignedActors, keys: [trustedKeyOf(signingKey)] };

  const startWorker = async () => {
    const connection = await NativeConnection.connect({ address: server.address });
    const worker = await createDocketWorker({
      connection,
      namespace: server.namespace,
      taskQueue,
      activities,
      workflowBundle: { codePath: server.bundlePath },
      actorTrust,
    });
    const running = worker.run();
    return {
      worker,
      stop: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await connection.close();
      },
    };
  };

  const first = options.withWorker === false ? undefined : await startWorker();
  const connection = await Connection.connect({ address: server.address });
  const docket = new ProcessClient({ client: new Client({ connection, namespace: server.namespace }), taskQueue, signingKey });
  // Every shipped process is deployed on this file's task queue, as an operator would before starting
  // cases. The registry is a workflow: without a worker yet, the test calls deployShipped() itself.
  const deployShipped = async () => {
    await docket.deployFiles(shippedDefinitionFiles(), { deployedBy: 'test-harness' });
  };
  if (options.deploy !== false && first) await deployShipped();
  return {
    docket,
    taskQueue,
    address: server.address,
    namespace: server.namespace,
    bundlePath: server.bundlePath,
    dataDir,
    signingKey,
    actorTrust,
    caseId: (name) => `${name}-${run}`,
    deployShipped,
    startWorker,
    stop: async () => {
      await first?.stop();
      await connection.close();
      await closeStore();
    },
  };
}
