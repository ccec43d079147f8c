/**
 * `docket wait` / `ProcessClient.waitUntilSettled` on a real server: a new complaint is busy with
 * its `intake` step until the step's activity and the workflow task after it are done; waiting
 * returns when nothing is pending, and the ACCEPT sent then is accepted. A state the case is not in
 * times out with where it settled; a case that ended elsewhere is refused at once.
 */
import { CaseNotSettledError } from '../../client';
import { runCli } from '../support/run-cli';
import { startHarness, type Harness } from '../support/harness';

const intake = {
  customerId: 'cust-9',
  customerName: 'Wang Fang',
  contact: 'wf@example.com',
  channel: 'app',
  category: { level1: 'logistics_delay' },
  description: 'Parcel is a week late',
  impact: 'ordinary',
};

let h: Harness;
let env: Record<string, string>;
beforeAll(async () => {
  h = await startHarness();
  env = { TEMPORAL_ADDRESS: h.address, TEMPORAL_NAMESPACE: h.namespace, DOCKET_TASK_QUEUE: h.taskQueue };
});
afterAll(async () => {
  await h?.stop();
});

it('waits until the first step is done; the event sent then is accepted', async () => {
  const id = `wait-${Date.now().toString(36)}`;
  await h.docket.start({ process: 'complaint', id, input: intake });
  const run = await runCli(['wait', id], env);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout).toBe(`case ${id} is running in awaiting_response, settled (no step running)\n`);
  // Settled means nothing was pending: the history shows the intake activity completed.
  const { raw } = await h.docket.client.workflow.getHandle(id).describe();
  expect(raw.pendingActivities ?? []).toEqual([]);
  const accepted = await h.docket.send(id, { type: 'ACCEPT', actor: { id: 'alice', roles: ['agent'] } });
  expect(accepted.state).toEqual(['assigning']);
});

it('--state names where the case settled when it is not there at the timeout', async () => {
  const id = `wait-state-${Date.now().toString(36)}`;
  await h.docket.start({ process: 'complaint', id, input: intake });
  const run = await runCli(['wait', id, '--state', 'handling', '--timeout', '1'], env);
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(
    `docket: case ${id} settled in awaiting_response, not in handling after 1 s; \`docket state ${id}\` shows where it is\n`,
  );
  // The state's inner states match: awaiting_response has none, so the path itself.
  await expect(h.docket.waitUntilSettled(id, { state: 'awaiting_response' })).resolves.toMatchObject({ state: ['awaiting_response'] });
});

it('a case that ended in another state is refused at once, not after the timeout', async () => {
  const id = `wait-ended-${Date.now().toString(36)}`;
  await h.docket.start({ process: 'complaint', id, input: intake });
  await h.docket.waitUntilSettled(id);
  await h.docket.client.workflow.getHandle(id).terminate('test: ended from outside');
  const err = await h.docket.waitUntilSettled(id, { state: 'handling', timeoutMs: 600_000 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CaseNotSettledError);
  expect((err as CaseNotSettledError).message).toBe(
    `case ${id} is terminated in awaiting_response and will not reach handling; \`docket state ${id}\` shows where it is`,
  );
});

it('an unknown case and a bad --timeout are one clear message each', async () => {
  const missing = await runCli(['wait', 'no-such-case-here'], env);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('no case with id "no-such-case-here"');
  const bad = await runCli(['wait', 'x', '--timeout', 'soon'], env);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toBe('docket: --timeout "soon": expected a whole number, from 1 to 86400\n');
});
