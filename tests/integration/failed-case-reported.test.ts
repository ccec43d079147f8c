/**
 * A failed case is never reported as a success (issue 12): an event that drives a case into
 * `failed` makes ProcessClient.send throw CaseFailedError with the reason `docket result` knows,
 * `docket send` exits 1 saying so, and the state view carries the failure. On a real dev server,
 * with a development-mode worker running an inline definition that loops when sent GO (a runaway
 * `always` cycle whose conditions validate cannot prove always hold fails the case as LOOP_DETECTED).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKFLOW_TYPE, type ProcessArgs } from '../../contract/wire';
import { CaseFailedError, ProcessClient } from '../../client';
import { userMessage } from '../../cli/run-command';
import { startTestWorker, testClient, testServer, type TestWorker } from '../support/server';
import { docket as runDocket } from './audit/support';

let dev: TestWorker;
let client: ProcessClient;
beforeAll(async () => {
  dev = await startTestWorker({ activities: {}, allowInlineDefinitions: true });
  client = new ProcessClient({ client: await testClient(), taskQueue: dev.taskQueue });
});
afterAll(async () => {
  await dev?.stop();
});

const looping = {
  process: 'loops-on-go',
  title: 'Loops when sent GO',
  roles: ['agent'],
  events: { GO: { by: ['agent'] } },
  initial: 'waiting',
  states: {
    waiting: { on: { GO: 'ping' } },
    // A condition that holds, which validate cannot prove: the run-time loop guard stops it.
    ping: { always: { if: 'caseId != ""', target: 'pong' } },
    pong: { always: { if: 'caseId != ""', target: 'ping' }, on: { GO: 'done' } },
    done: { type: 'final', outcome: 'done' },
  },
};

async function startWaiting(name: string): Promise<string> {
  const id = `failed-reported-${name}-${Date.now().toString(36)}`;
  const raw = await testClient();
  await raw.workflow.start(WORKFLOW_TYPE, {
    workflowId: id,
    taskQueue: dev.taskQueue,
    args: [{ process: looping.process, definition: looping, input: {} } as ProcessArgs],
  });
  // Explicit wait on a condition: the case has resolved its definition and entered `waiting`.
  for (let i = 0; i < 200; i++) {
    const view = await client.state(id).catch(() => undefined);
    if (view?.state.includes('waiting')) return id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`case ${id} never reached waiting`);
}

it('send throws CaseFailedError with the failure code and reason, and the state view carries it', async () => {
  const id = await startWaiting('client');
  const error = await client.send(id, { type: 'GO', actor: { id: 'a', roles: ['agent'] } }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CaseFailedError);
  const failed = error as CaseFailedError;
  expect(failed.code).toBe('LOOP_DETECTED');
  expect(failed.eventType).toBe('GO');
  expect(failed.reason).toMatch(/through ping, pong: the definition loops/);
  expect(failed.result?.status).toBe('failed');
  expect(userMessage(error)).toMatch(new RegExp(`^GO was applied, but case ${id} failed \\(LOOP_DETECTED\\): .*the definition loops`));
  const view = await client.state(id);
  expect(view.status).toBe('failed');
  expect(view.failure).toEqual({ code: 'LOOP_DETECTED', message: failed.reason });
});

it('docket send exits 1 and says the case failed, with the reason', async () => {
  const id = await startWaiting('cli');
  const { address, namespace } = testServer();
  const run = await runDocket(['send', id, 'GO', '--as', 'agent:a'], {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    DOCKET_TASK_QUEUE: dev.taskQueue,
    // A data directory without a signing key, so the CLI sends the actor unsigned, as this
    // development worker accepts: a checkout where `docket dev` once made .docket/actor-keys
    // would otherwise sign with a key this worker does not trust (refused UNAUTHENTICATED).
    DOCKET_DATA_DIR: mkdtempSync(join(tmpdir(), 'docket-no-keys-')),
  });
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(new RegExp(`^docket: GO was applied, but case ${id} failed \\(LOOP_DETECTED\\): .*the definition loops`));
});
