/**
 * Helpers for integration tests against the dev server started by global-setup.
 *
 * @example
 *   afterAll(closeTestClient);
 *   it('completes a case', () =>
 *     withWorker(activities, async ({ client, taskQueue }) => {
 *       const handle = await client.workflow.start('process', { taskQueue, workflowId: 'c-1', args: [...] });
 *       expect((await handle.result()).outcome).toBe('resolved');
 *     }));
 */
import * as fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker, type WorkerOptions } from '@temporalio/worker';
import type { ActorTrust } from '../../contract/actor-assertion';
import { createDocketWorker } from '../../worker/create-worker';

/** What global-setup writes for the test workers. */
export interface TestServerInfo {
  /** Frontend address, `127.0.0.1:<port>`. */
  address: string;
  namespace: string;
  uiUrl: string;
  /** The workflow bundle built once for the run. */
  bundlePath: string;
  /** The server's data dir (holds `temporal.db` and `server.log`). */
  dataDir: string;
  pid: number;
}

let cached: TestServerInfo | undefined;

/** The shared dev server of this Jest run. */
export function testServer(): TestServerInfo {
  if (cached) return cached;
  const file = process.env.DOCKET_TEST_SERVER_FILE;
  if (!file || !fs.existsSync(file)) {
    throw new Error(
      'no test server: DOCKET_TEST_SERVER_FILE is not set or its file is gone. ' +
        'Run the tests with `npx jest` so tests/support/global-setup.ts starts the server.',
    );
  }
  cached = JSON.parse(fs.readFileSync(file, 'utf8')) as TestServerInfo;
  return cached;
}

/** A task queue no other test uses, so workers of parallel tests never steal each other's tasks. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

let clientPromise: Promise<Client> | undefined;

/** A client on the test server, shared within a test file; close it with `closeTestClient()`. */
export function testClient(): Promise<Client> {
  clientPromise ??= (async () => {
    const { address, namespace } = testServer();
    const connection = await Connection.connect({ address });
    return new Client({ connection, namespace });
  })();
  return clientPromise;
}

/** Closes the shared client's connection (for `afterAll`). */
export async function closeTestClient(): Promise<void> {
  const pending = clientPromise;
  clientPromise = undefined;
  if (pending) await (await pending).connection.close();
}

export interface StartTestWorkerOptions {
  /** Default: a fresh `uniqueTaskQueue()`. */
  taskQueue?: string;
  activities?: object;
  workerOptions?: Partial<WorkerOptions>;
  /** Development mode: the worker runs inline definitions (default false). */
  allowInlineDefinitions?: boolean;
  /** Signed actors (default: from the environment, see actorTrustFromEnv). */
  actorTrust?: ActorTrust;
}

export interface TestWorker {
  worker: Worker;
  taskQueue: string;
  /** Shuts the worker down, waits for it, closes its connection; rethrows a worker failure. */
  stop(): Promise<void>;
}

async function createTestWorker(options: StartTestWorkerOptions) {
  const { address, namespace, bundlePath } = testServer();
  const taskQueue = options.taskQueue ?? uniqueTaskQueue();
  const connection = await NativeConnection.connect({ address });
  try {
    const worker = await createDocketWorker({
      connection,
      namespace,
      taskQueue,
      activities: options.activities ?? {},
      workflowBundle: { codePath: bundlePath },
      workerOptions: options.workerOptions,
      allowInlineDefinitions: options.allowInlineDefinitions ?? false,
      actorTrust: options.actorTrust,
    });
    return { worker, connection, taskQueue };
  } catch (err) {
    await connection.close();
    throw err;
  }
}

/** Starts a docket worker (prebuilt bundle) on its own task queue; call `stop()` when done. */
export async function startTestWorker(options: StartTestWorkerOptions = {}): Promise<TestWorker> {
  const { worker, connection, taskQueue } = await createTestWorker(options);
  let failure: unknown;
  const running = worker.run().catch((err: unknown) => {
    failure = err;
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      if (failure) throw failure;
    })());
  return { worker, taskQueue, stop };
}

export interface WorkerContext {
  client: Client;
  taskQueue: string;
  worker: Worker;
}

/**
 * Runs `fn` while a docket worker polls a fresh task queue, then shuts the worker down. If the
 * worker fails, the returned promise rejects instead of hanging.
 */
export async function withWorker<T>(
  activities: object,
  fn: (ctx: WorkerContext) => Promise<T>,
  options: Omit<StartTestWorkerOptions, 'activities'> = {},
): Promise<T> {
  const { worker, connection, taskQueue } = await createTestWorker({ ...options, activities });
  try {
    const client = await testClient();
    return await worker.runUntil(() => fn({ client, taskQueue, worker }));
  } finally {
    await connection.close();
  }
}
