/**
 * A docket worker and client on Temporal's time-skipping test server (time-skipping-server.ts),
 * for tests of deadlines and waits as the shipped definitions set them (hours, days): the test
 * moves virtual time with `skip('24h')` instead of shortening the definition and waiting real
 * seconds. One server per test file; the workflow bundle is the Jest run's (global setup).
 *
 * Queries and Updates do not move time; `skip` does, and so does waiting for a case's result.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Duration } from '@temporalio/common';
import { activities, closeStore } from '../../activities';
import { ProcessClient } from '../../client';
import { SEARCH_ATTRIBUTE_TYPES } from '../../contract/search-attributes';
import { TYPE_CODES } from '../../devserver/ensure-search-attributes';
import { createDocketWorker } from '../../worker/create-worker';
import { createLogger, installRuntimeLogging } from '../../worker/logger';
import { testServer } from './server';
import { shippedDefinitionFiles, withTimings } from './test-definitions';
import { findTestServer } from './time-skipping-server';

export interface TimeSkippingHarness {
  docket: ProcessClient;
  env: TestWorkflowEnvironment;
  /** Moves virtual time forward (timers due in between fire, in order). */
  skip(duration: Duration): Promise<void>;
  caseId(name: string): string;
  stop(): Promise<void>;
}

function searchAttributeCodes(): Record<string, number> {
  return Object.fromEntries(Object.entries(SEARCH_ATTRIBUTE_TYPES).map(([name, type]) => [name, TYPE_CODES[type]]));
}

export async function startTimeSkippingHarness(): Promise<TimeSkippingHarness> {
  installRuntimeLogging(createLogger({ level: process.env.DOCKET_LOG_LEVEL ?? 'warn' }));
  const launcher = await findTestServer({ install: true, onProgress: (line) => process.stderr.write(`[test-server] ${line}\n`) });
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: launcher } } });
  // Whatever fails from here on, the server goes: a Java process left running holds Jest open.
  try {
    return await onServer(env);
  } catch (err) {
    await env.teardown();
    throw err;
  }
}

async function onServer(env: TestWorkflowEnvironment): Promise<TimeSkippingHarness> {
  const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const taskQueue = `skip-${run}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'docket-skip-data-'));
  process.env.DOCKET_DATA_DIR = dataDir;
  // Activities that talk to Temporal themselves (startProcess: intake starts the monitor) connect here.
  process.env.TEMPORAL_ADDRESS = env.address;
  process.env.TEMPORAL_NAMESPACE = env.client.options.namespace;
  closeStore();
  delete process.env.DOCKET_ACTOR_SIGNING_KEY;
  const namespace = env.client.options.namespace;
  // The cases index themselves by docket's search attributes; this server, like a cluster, needs
  // them registered. It starts with none and does not implement listing them, so add them all.
  await env.connection.operatorService.addSearchAttributes({ namespace, searchAttributes: searchAttributeCodes() });
  const worker = await createDocketWorker({
    connection: env.nativeConnection,
    namespace,
    taskQueue,
    activities,
    workflowBundle: { codePath: testServer().bundlePath },
    // Unsigned actors: an actor assertion expires minutes after it is signed, by the wall clock,
    // and the workflow judges it on virtual time, hours ahead. Signed actors are tested on the
    // dev server (signed-actors.test.ts); here the deadlines are.
    actorTrust: { required: false, keys: [] },
  });
  const running = worker.run();
  const docket = new ProcessClient({ client: env.client, taskQueue });
  try {
    await docket.deployFiles(shippedDefinitionFiles(), { deployedBy: 'time-skipping-harness' });
    // The complaint monitor checks visibility every minute; over the days these tests skip that
    // would be thousands of checks (each waited for), none of them under test here: check daily.
    await docket.deploy([withTimings('complaint-monitor', { checkEvery: '1d' })], { deployedBy: 'time-skipping-harness' });
  } catch (err) {
    worker.shutdown();
    await running;
    throw err;
  }
  return {
    docket,
    env,
    skip: (duration) => env.sleep(duration),
    caseId: (name) => `${name}-${run}`,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await env.teardown();
      closeStore();
    },
  };
}
