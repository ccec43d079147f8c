/**
 * Re-records the histories under tests/histories/: the regression gate that `docket replay` and
 * the audit tests run against. Each shipped process and each complaint path is driven once on a
 * dev server this script starts itself (free ports, temp data dir), with a real worker, and
 * exported with the same call `docket history` uses.
 *
 * Runnable: `npx tsx scripts/record-histories.ts [outDir] [case ids…]` (default tests/histories,
 * every case). Takes under two minutes (about 100 s here): the waits are shortened, not skipped.
 *
 * The cases of one process all run one definition: the shipped YAML with recording timings,
 * deployed once to the recording task queue's registry (version 1 of each process, deployed by
 * `record-histories`) before the first case; every case then starts by process name, as in
 * production, so each history begins with the engine's resolveDefinition step recording that
 * version (source `registry`, version, deployer, time, and the pinned child versions). The
 * definitions that ran are written to `<outDir>/definitions/` so what-if tests (and auditors) can
 * edit exactly what ran. Re-recording changes timestamps, run ids and therefore digests; replay
 * must still pass.
 *
 * Histories recorded before start-by-name (the definition in the start input as `bundle`, no
 * resolveDefinition step) cannot be read by the audit tools of this version: `docket audit` and
 * `docket whatif` refuse them as NOT_A_DOCKET_CASE and `docket replay` fails them as unreadable,
 * each with a message pointing at docs/guide.md "Cases started before start-by-name". Re-record them
 * with this script (tests/histories/README.md).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { NativeConnection } from '@temporalio/worker';
import { stringify } from 'yaml';
import { activities, closeStore } from '../activities';
import { ProcessClient } from '../client/process-client';
import { ensureActorKeyPair, loadActorSigningKey, trustedKeyOf } from '../client/actor-signer';
import type { StateView } from '../contract/wire';
import type { ProcessDefinition } from '../dsl/types';
import { createDocketWorker } from '../worker/create-worker';
import { createLogger, installRuntimeLogging } from '../worker/logger';
import { startGrayEnvironment, startLoad } from '../examples/gray-router';
import { buildWorkflowBundle } from '../worker/workflow-bundle';
import { loadDefinitionOrThrow, withDecisions } from '../examples/definition-overrides';
import { startDevServer } from '../devserver/dev-server';
import { findTemporalCli } from '../devserver/temporal-cli';

const ROOT = path.join(__dirname, '..');
const MONITOR_ID = 'complaint-monitor-recorded';
/** Who the registry records as the deployer of the recording definitions. */
export const RECORDING_DEPLOYER = 'record-histories';
const as = (role: string, id: string) => ({ id, roles: [role] });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const shipped = (name: string) => loadDefinitionOrThrow(path.join(ROOT, 'definitions', `${name}.yaml`));

/**
 * The shipped complaint with waits a recording can sit through: P1 deadlines are short so P1
 * escalates, and the shared ladder's lead and supervisor levels have 3 seconds each.
 */
export function recordingComplaint(): ProcessDefinition {
  return withDecisions(shipped('complaint'), {
    responseDeadline: [{ when: 'context.priority == "P0"', then: '1h' }, { when: 'context.priority == "P1"', then: '3s' }, { then: '24h' }],
    levelDeadline: [
      { when: 'context.heldBy == "lead"', then: '3s' },
      { when: 'context.heldBy == "supervisor"', then: '3s' },
      { then: '1d' },
    ],
    confirmAfter: '1s',
    satisfactionAfter: '1s',
    followUpWindow: '4s',
    monitorId: MONITOR_ID,
  });
}

/** The shipped refund approval; a lead who lets a step lie loses it after 3 seconds. */
export function recordingRefund(): ProcessDefinition {
  return withDecisions(shipped('refund-approval'), {
    levelDeadline: [
      { when: 'context.heldBy == "lead"', then: '3s' },
      { when: 'context.heldBy == "supervisor"', then: '8h' },
      { then: '1d' },
    ],
  });
}

/** The shipped gray release with seconds instead of minutes and hours, judged on a few requests. */
export function recordingGrayRelease(): ProcessDefinition {
  return withDecisions(shipped('gray-release'), {
    bakeTime: '1500ms',
    checkInterval: '400ms',
    monitoringWindow: '1500ms',
    health: [{ then: { maxErrorRate: 0.05, maxP95Ms: 300, minRequests: 3 } }],
  });
}

/** The shipped monitor checking every second, with a second for visibility to catch up (shipped: 5 m, 30 s). */
export function recordingMonitor(): ProcessDefinition {
  return withDecisions(shipped('complaint-monitor'), { checkEvery: '1s', settleTime: '1s' });
}

/** The definitions the recorded cases ran, by process id. */
export const recordingDefinitions = (): Record<string, ProcessDefinition> => ({
  complaint: recordingComplaint(),
  'refund-approval': recordingRefund(),
  'complaint-monitor': recordingMonitor(),
  'gray-release': recordingGrayRelease(),
  'warranty-claim': shipped('warranty-claim'),
});

const intake = (customerId: string, impact: string, level1: string, description: string) => ({
  customerId,
  customerName: `Customer ${customerId}`,
  contact: `${customerId}@example.com`,
  channel: 'app',
  category: { level1 },
  description,
  impact,
});

interface Recorder {
  docket: ProcessClient;
  until(id: string, test: (view: StateView) => boolean, what: string): Promise<StateView>;
  state(id: string, state: string): Promise<StateView>;
}

/** The "3+7" follow-up of a resolved complaint: the customer confirms, rates, and the case closes. */
async function answerFollowUps(
  { docket, state }: Pick<Recorder, 'docket' | 'state'>,
  id: string,
  customer: string,
  rating: Record<string, unknown>,
): Promise<void> {
  await state(id, 'resolved.confirmation_call');
  await docket.send(id, { type: 'CONFIRM_SOLVED', actor: as('customer', customer) });
  await state(id, 'resolved.satisfaction_call');
  await docket.send(id, { type: 'SATISFACTION', actor: as('customer', customer), data: rating });
  await docket.result(id);
}

/** Each case: id → how to drive it. Every path of the complaint, in the order they run. */
const CASES: Record<string, (r: Recorder) => Promise<void>> = {
  async 'complaint-p2-closed'({ docket, state }) {
    const id = 'complaint-p2-closed';
    await docket.start({ process: 'complaint', id, input: intake('cust-101', 'ordinary', 'logistics_delay', 'Parcel is a week late') });
    await state(id, 'awaiting_response');
    await docket.send(id, { type: 'ACCEPT', actor: as('agent', 'alice') });
    await state(id, 'handling.working');
    // A signal nobody may send is recorded as rejected; the case goes on.
    await docket.signal(id, { type: 'RESOLVE', actor: as('agent', 'mallory'), data: { resolution: 'not mine' } });
    await docket.send(id, {
      type: 'TRANSFER',
      actor: as('agent', 'alice'),
      data: { department: 'logistics', contact: 'wang.fang', need: 'locate parcel 8812' },
    });
    await state(id, 'handling.with_department');
    await docket.send(id, { type: 'DEPARTMENT_REPLY', actor: as('department', 'wang.fang'), data: { note: 'found; delivering tomorrow' } });
    await docket.send(id, { type: 'RESOLVE', actor: as('agent', 'alice'), data: { resolution: 'parcel delivered' } });
    await answerFollowUps({ docket, state }, id, 'cust-101', { score: 5 });
  },

  async 'complaint-p0'({ docket, state }) {
    const id = 'complaint-p0';
    // The recorder's notify fails this case's first supervisor alert once: the history shows attempt 2.
    await docket.start({ process: 'complaint', id, input: intake('cust-202', 'outage', 'payment', 'Checkout fails for every card') });
    await state(id, 'awaiting_response');
    await docket.send(id, { type: 'ACCEPT', actor: as('supervisor', 'sam.supervisor') });
    await state(id, 'handling.working');
    await docket.send(id, {
      type: 'RESOLVE',
      actor: as('supervisor', 'sam.supervisor'),
      data: { resolution: 'payment gateway restarted' },
    });
    await answerFollowUps({ docket, state }, id, 'cust-202', { score: 4 });
  },

  async 'complaint-p1-escalation'({ docket, until, state }) {
    const id = 'complaint-p1-escalation';
    await docket.start({ process: 'complaint', id, input: intake('cust-303', 'partial', 'product_issue', 'Blender stops after a minute') });
    // Nobody accepts within the P1 response deadline: the case escalates to the lead, who takes it.
    await until(id, (v) => v.context.escalationLevel === 1 && v.state.includes('awaiting_response'), 'escalation to the lead');
    // The lead takes it a moment later (within the re-armed deadline): the first deadline is missed by about 1.5s.
    await pause(1200);
    await docket.send(id, { type: 'ACCEPT', actor: as('lead', 'chen.lead') });
    await state(id, 'handling.working');
    await docket.send(id, { type: 'RESOLVE', actor: as('lead', 'chen.lead'), data: { resolution: 'replacement shipped' } });
    await answerFollowUps({ docket, state }, id, 'cust-303', { score: 3 });
  },

  async 'complaint-reopen'({ docket, state }) {
    const id = 'complaint-reopen';
    await docket.start({ process: 'complaint', id, input: intake('cust-404', 'ordinary', 'product_issue', 'Wrong colour delivered') });
    await state(id, 'awaiting_response');
    await docket.send(id, { type: 'ACCEPT', actor: as('agent', 'dana') });
    await state(id, 'handling.working');
    await docket.send(id, { type: 'RESOLVE', actor: as('agent', 'dana'), data: { resolution: 'exchange arranged' } });
    await docket.send(id, { type: 'NOT_SOLVED', actor: as('customer', 'cust-404'), data: { reason: 'exchange never came' } });
    await state(id, 'handling.working');
    await docket.send(id, { type: 'RESOLVE', actor: as('agent', 'dana'), data: { resolution: 'exchange delivered by courier' } });
    await answerFollowUps({ docket, state }, id, 'cust-404', { score: 4, comment: 'took two tries' });
  },

  async 'complaint-closed-without-survey'({ docket, state }) {
    const id = 'complaint-closed-without-survey';
    await docket.start({
      process: 'complaint',
      id,
      input: intake('cust-505', 'suggestion', 'service_attitude', 'Agent was curt on the phone'),
    });
    await state(id, 'awaiting_response');
    await docket.send(id, { type: 'ACCEPT', actor: as('agent', 'erin') });
    await state(id, 'handling.working');
    await docket.send(id, { type: 'RESOLVE', actor: as('agent', 'erin'), data: { resolution: 'apology and coaching' } });
    // The customer is reached for neither call: both windows pass and the case closes without a survey.
    await docket.result(id);
  },

  async [MONITOR_ID]({ docket, until }) {
    // The first complaint above started it (startProcess) and sent it nothing: it counted all five
    // from visibility, and folded the four started after it into category runs. A monitor never
    // ends, so the recording stops it once it has seen them.
    await until(
      MONITOR_ID,
      (v) => v.context.today === 5 && v.context.received === 4 && v.state.includes('monitoring.waiting'),
      'five complaints counted',
    );
    await docket.client.workflow.getHandle(MONITOR_ID).terminate('recorded');
  },

  async 'complaint-monitor-continued'({ docket, until }) {
    // A monitor that continues as new after a few checks: its exported (latest) run starts from the
    // carried snapshot, with the window it was started with.
    const id = 'complaint-monitor-continued';
    await docket.start({ process: 'complaint-monitor', id, input: { pastDays: [3, 5] }, continueAsNewAfter: 30 });
    const first = await until(
      id,
      (v) => v.timeline.some((e) => e.kind === 'continued') && v.state.includes('monitoring.waiting'),
      'a continued run',
    );
    await until(
      id,
      (v) => Number(v.context.checks) > Number(first.context.checks) && v.state.includes('monitoring.waiting'),
      'a check after it',
    );
    await docket.client.workflow.getHandle(id).terminate('recorded');
  },

  async 'refund-lead-approved'({ docket }) {
    const id = 'refund-lead-approved';
    await docket.start({ process: 'refund-approval', id, input: refund('C-1001', 480, 'alice', 'parcel lost') });
    await docket.send(id, { type: 'APPROVE', actor: as('lead', 'chen.lead'), data: { note: 'carrier confirmed the loss' } });
    await docket.result(id);
  },

  async 'refund-supervisor-finance'({ docket, state }) {
    const id = 'refund-supervisor-finance';
    await docket.start({ process: 'refund-approval', id, input: refund('C-1002', 1500, 'alice', 'double charge') });
    await docket.send(id, { type: 'APPROVE', actor: as('supervisor', 'sam.supervisor') });
    await state(id, 'review.finance');
    await docket.send(id, { type: 'APPROVE', actor: as('finance', 'fay.finance'), data: { note: 'order checked' } });
    await docket.result(id);
  },

  async 'refund-escalated'({ docket, until }) {
    const id = 'refund-escalated';
    await docket.start({ process: 'refund-approval', id, input: refund('C-1003', 300, 'bob', 'damaged on arrival') });
    // The lead lets the step lie past the deadline: the supervisor takes it over and approves.
    await until(id, (v) => v.state.includes('review.supervisor'), 'escalation to the supervisor');
    await docket.send(id, { type: 'APPROVE', actor: as('supervisor', 'sam.supervisor') });
    await docket.result(id);
  },

  async 'refund-info-then-rejected'({ docket, state }) {
    const id = 'refund-info-then-rejected';
    await docket.start({ process: 'refund-approval', id, input: refund('C-1004', 2600, 'alice', 'customer unhappy') });
    await docket.send(id, { type: 'REQUEST_INFO', actor: as('supervisor', 'sam.supervisor'), data: { question: 'which order number?' } });
    await state(id, 'awaiting_info');
    await docket.send(id, { type: 'RESUBMIT', actor: as('agent', 'alice'), data: { answer: 'order 77120' } });
    await state(id, 'review.supervisor');
    await docket.send(id, { type: 'REJECT', actor: as('supervisor', 'sam.supervisor'), data: { reason: 'outside the refund window' } });
    await docket.result(id);
  },

  async 'refund-known-definition'({ docket }) {
    // The definition step answered by the worker's local lookup (resolveKnownDefinition, a
    // MarkerRecorded event) instead of the resolveDefinition activity: the client starts by full
    // hash, and a first case makes sure this worker has read that version (when this case is
    // recorded alone, nothing before it has).
    const warmup = 'refund-known-definition-warmup';
    await docket.start({ process: 'refund-approval', id: warmup, input: refund('C-1005', 90, 'bob', 'warm-up') });
    await docket.state(warmup);
    await docket.client.workflow.getHandle(warmup).terminate('warm-up only');
    const id = 'refund-known-definition';
    await docket.start({ process: 'refund-approval', id, input: refund('C-1006', 120, 'alice', 'item missing from parcel') });
    await docket.send(id, { type: 'APPROVE', actor: as('lead', 'chen.lead'), data: { note: 'packing photo shows it missing' } });
    await docket.result(id);
  },

  async 'complaint-with-refund'({ docket, state }) {
    // After the monitor cases (the recorded monitor counts the five complaints above); its intake starts a new monitor run.
    const id = 'complaint-with-refund';
    // The refund runs as a child process under the recording refund definition: the version the
    // complaint's resolveDefinition step pinned (the current one, deployed with it), so the child is
    // the refund approval recorded above.
    await docket.start({ process: 'complaint', id, input: intake('cust-606', 'ordinary', 'product_issue', 'Kettle leaks after a week') });
    await state(id, 'awaiting_response');
    await docket.send(id, { type: 'ACCEPT', actor: as('agent', 'frank') });
    await state(id, 'handling.working');
    await docket.send(id, {
      type: 'RESOLVE',
      actor: as('agent', 'frank'),
      data: { resolution: 'replacement kettle and a refund', refund: { amount: 260 } },
    });
    await state(id, 'refunding');
    // The child refund asks the team lead (260 is within the lead's authority); the lead approves it and it is paid.
    const child = `${id}/refund-approval-1`;
    await state(child, 'review.lead');
    await docket.send(child, { type: 'APPROVE', actor: as('lead', 'chen.lead'), data: { note: 'receipt checked' } });
    await docket.result(child);
    await answerFollowUps({ docket, state }, id, 'cust-606', { score: 5 });
  },

  async 'complaint-ladder'({ docket, until, state }) {
    // After the monitor cases, like the one above. Nobody takes this P1 complaint: it climbs the
    // shared escalation ladder agent → lead → supervisor → manager, each level told, and the manager takes it.
    const id = 'complaint-ladder';
    await docket.start({
      process: 'complaint',
      id,
      input: intake('cust-707', 'severe', 'system_error', 'Account locked after password reset'),
    });
    await until(id, (v) => v.context.heldBy === 'manager' && v.state.includes('awaiting_response'), 'escalation to the manager');
    await docket.send(id, { type: 'ACCEPT', actor: as('manager', 'wu.manager') });
    await state(id, 'handling.working');
    await docket.send(id, {
      type: 'RESOLVE',
      actor: as('manager', 'wu.manager'),
      data: { resolution: 'account unlocked, reset flow fixed' },
    });
    await answerFollowUps({ docket, state }, id, 'cust-707', { score: 2 });
  },

  async 'warranty-claim-replaced'({ docket, state }) {
    // The join of inspection and eligibility, a lead's approval, and the outcome from an expression.
    const id = 'warranty-claim-replaced';
    await docket.start({ process: 'warranty-claim', id, input: { customerId: 'cust-808', product: 'toaster', price: 200 } });
    await state(id, 'assessing.inspection.inspecting');
    await docket.send(id, {
      type: 'INSPECTED',
      actor: as('inspector', 'ivy.inspector'),
      data: { fault: 'manufacturing', repairable: false },
    });
    await docket.send(id, { type: 'ELIGIBILITY', actor: as('agent', 'li.agent'), data: { eligible: true } });
    await docket.send(id, { type: 'APPROVE', actor: as('lead', 'chen.lead') });
    await docket.result(id);
  },

  async 'warranty-claim-withdrawn'({ docket, state }) {
    // Withdrawn while the refund child is half approved: the child is cancelled, and the notice and
    // the collection are compensated, newest first, before the claim completes as withdrawn.
    const id = 'warranty-claim-withdrawn';
    await docket.start({ process: 'warranty-claim', id, input: { customerId: 'cust-909', product: 'laptop', price: 2500 } });
    await state(id, 'assessing.inspection.inspecting');
    await docket.send(id, { type: 'ELIGIBILITY', actor: as('agent', 'li.agent'), data: { eligible: true } });
    await docket.send(id, {
      type: 'INSPECTED',
      actor: as('inspector', 'ivy.inspector'),
      data: { fault: 'manufacturing', repairable: false },
    });
    await docket.send(id, { type: 'APPROVE', actor: as('supervisor', 'zhao.supervisor') });
    const child = `${id}/refund-approval-1`;
    await state(child, 'review.supervisor');
    await docket.send(child, { type: 'APPROVE', actor: as('supervisor', 'sun.supervisor') });
    await state(child, 'review.finance');
    await docket.send(id, { type: 'WITHDRAW', actor: as('customer', 'cust-909') });
    await docket.result(id);
  },

  async 'gray-release-closed'({ docket }) {
    await grayRelease(docket, 'gray-release-closed', {});
  },

  async 'gray-release-rolled-back'({ docket }) {
    // Half the canary's answers fail: the first health check rolls it back to 0 %.
    await grayRelease(docket, 'gray-release-rolled-back', { errorRate: 0.5 });
  },
};

/** A gray release of checkout v2 with real traffic through a router on loopback. */
async function grayRelease(docket: ProcessClient, id: string, canary: { errorRate?: number }): Promise<void> {
  const env = await startGrayEnvironment({ canary });
  const load = startLoad({ url: env.routerUrl, ratePerSecond: 200, concurrency: 16, maxDurationMs: 90_000 });
  try {
    const input = {
      changeId: `CHG-${id}`,
      title: 'Checkout service v2',
      service: 'checkout',
      version: 'v2',
      routerUrl: env.routerUrl,
      requestedBy: 'eli.eng',
    };
    await docket.start({ process: 'gray-release', id, input });
    await docket.send(id, { type: 'APPROVE', actor: as('change_manager', 'cm.chen'), data: { note: 'staging soak passed' } });
    await docket.result(id);
  } finally {
    await load.stop();
    await env.stop();
  }
}

const refund = (caseId: string, amount: number, requestedBy: string, reason: string) => ({
  caseId,
  amount,
  requestedBy,
  reason,
  customerId: `cust-${caseId}`,
});

/** notify, failing the first attempt of the P0 supervisor alert so a retry is on record. */
const recorderActivities = {
  ...activities,
  async notify(input: Parameters<typeof activities.notify>[0]) {
    const info = Context.current().info;
    if (info.workflowExecution?.workflowId === 'complaint-p0' && info.attempt === 1 && (input as { to?: string }).to === 'supervisor') {
      throw new Error('recorder: simulated outage of the notification service (first attempt)');
    }
    return activities.notify(input);
  },
};

/** The history once the worker has finished its last workflow task (nothing scheduled or in flight). */
async function settledHistory(docket: ProcessClient, id: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  let previous = -1;
  for (;;) {
    const history = await docket.history(id);
    const events = (JSON.parse(history) as { events: Array<{ eventType: string }> }).events;
    const last = events[events.length - 1]?.eventType ?? '';
    const busy = /WORKFLOW_TASK_(SCHEDULED|STARTED)$/.test(last) || !events.some((e) => e.eventType.endsWith('WORKFLOW_TASK_COMPLETED'));
    // Compared by length: map members (search attributes) come back in any order.
    if (!busy && events.length === previous) return history;
    if (Date.now() > deadline) throw new Error(`${id}: the history did not settle within 30s (last event ${last})`);
    previous = events.length;
    await pause(300);
  }
}

/** Records every case (or only `only`, by id: the monitors count the complaints recorded before them). */
export async function recordHistories(
  outDir: string,
  say: (line: string) => void = () => undefined,
  only: string[] = [],
): Promise<string[]> {
  installRuntimeLogging(createLogger({ level: process.env.DOCKET_LOG_LEVEL ?? 'error' }));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-record-'));
  process.env.DOCKET_DATA_DIR = dataDir;
  closeStore();
  const server = await startDevServer({ dataDir, cliPath: await findTemporalCli() });
  say(`dev server on ${server.address}`);
  process.env.TEMPORAL_ADDRESS = server.address;
  process.env.TEMPORAL_NAMESPACE = server.namespace;
  const written: string[] = [];
  let nativeConnection: NativeConnection | undefined;
  let connection: Connection | undefined;
  try {
    const bundle = await buildWorkflowBundle({ outFile: path.join(dataDir, 'workflow-bundle.js') });
    const taskQueue = 'docket-record';
    nativeConnection = await NativeConnection.connect({ address: server.address });
    // Signed actors are required by default: the recorder signs with a key pair of its own, and the
    // worker trusts it (as tests/support/harness.ts does), so the histories record signed events and
    // the trusted key, and the audit's re-run verifies them with it.
    const keyFiles = ensureActorKeyPair(path.join(dataDir, 'actor-keys'), RECORDING_DEPLOYER);
    const signingKey = loadActorSigningKey(keyFiles.signingKeyFile);
    // Activities that send events themselves (signalProcess) sign with the key in this variable.
    process.env.DOCKET_ACTOR_SIGNING_KEY = keyFiles.signingKeyFile;
    const worker = await createDocketWorker({
      connection: nativeConnection,
      namespace: server.namespace,
      taskQueue,
      activities: recorderActivities,
      workflowBundle: { codePath: bundle.path },
      actorTrust: { required: true, keys: [trustedKeyOf(signingKey)] },
    });
    connection = await Connection.connect({ address: server.address });
    const docket = new ProcessClient({ client: new Client({ connection, namespace: server.namespace }), taskQueue, signingKey });
    const until = async (id: string, test: (view: StateView) => boolean, what: string) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const view = await docket.state(id).catch(() => undefined);
        if (view && test(view)) return view;
        if (Date.now() > deadline) throw new Error(`${id}: no ${what} within 60s (state ${view?.state.join(', ')})`);
        await pause(100);
      }
    };
    const recorder: Recorder = { docket, until, state: (id, state) => until(id, (v) => v.state.includes(state), `state ${state}`) };
    const defs = recordingDefinitions();
    fs.mkdirSync(path.join(outDir, 'definitions'), { recursive: true });
    for (const [name, def] of Object.entries(defs)) {
      const header = `# Written by scripts/record-histories.ts: definitions/${name}.yaml as the recorded cases ran it.\n`;
      fs.writeFileSync(path.join(outDir, 'definitions', `${name}.yaml`), header + stringify(def));
    }
    await worker.runUntil(async () => {
      // One deployment of every recording definition (the registry runs on this worker): complaint
      // and its child refund-approval in one request, so the complaint pins the recording refund.
      const { deployed } = await docket.deploy(Object.values(defs), { deployedBy: RECORDING_DEPLOYER });
      say(`deployed ${deployed.map((d) => `${d.process} v${d.version} (${d.hash.slice(0, 12)})`).join(', ')}`);
      for (const [id, drive] of Object.entries(CASES)) {
        if (only.length && !only.includes(id)) continue;
        say(`recording ${id}`);
        await drive(recorder);
        const file = path.join(outDir, `${id}.json`);
        fs.writeFileSync(file, `${await settledHistory(docket, id)}\n`);
        written.push(file);
      }
    });
  } finally {
    await connection?.close();
    await nativeConnection?.close();
    closeStore();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return written;
}

if (require.main === module) {
  const outDir = path.resolve(process.argv[2] ?? path.join(ROOT, 'tests', 'histories'));
  recordHistories(outDir, (line) => process.stderr.write(`${line}\n`), process.argv.slice(3))
    .then((files) => process.stdout.write(`${files.map((f) => path.relative(process.cwd(), f)).join('\n')}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`record-histories: ${err instanceof Error ? err.stack : String(err)}\n`);
      // The Temporal runtime may still hold the process after a failure.
      process.exit(1);
    });
}
