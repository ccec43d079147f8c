/**
 * Re-records the histories under tests/histories/: the regression gate that `docket replay` and
 * the audit tests run against. Each shipped process and each complaint path is driven once on a
 * dev server this script starts itself (free ports, temp data dir), with a real worker, and
 * exported with the same call `docket history` uses.
 *
 * Runnable: `npx tsx scripts/record-histories.ts [outDir]` (default tests/histories). Takes about
 * a minute: the complaint's follow-up waits are shortened, not skipped.
 *
 * The complaint cases all run one definition: the shipped YAML with test timings. It is written
 * next to the histories (`complaint.recorded.yaml`) so what-if tests can edit exactly what ran.
 * Re-recording changes timestamps, run ids and therefore digests; replay must still pass.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { NativeConnection } from '@temporalio/worker';
import { parse, stringify } from 'yaml';
import { activities, closeStore } from '../activities';
import { ProcessClient } from '../client/process-client';
import type { StateView } from '../contract/wire';
import type { ProcessDefinition } from '../dsl/types';
import { createDocketWorker } from '../worker/create-worker';
import { createLogger, installRuntimeLogging } from '../worker/logger';
import { buildWorkflowBundle } from './build-workflow-bundle';
import { withDecisions } from './definition-overrides';
import { startDevServer } from './dev-server';
import { findTemporalCli } from './temporal-cli';

const ROOT = path.join(__dirname, '..');
const MONITOR_ID = 'complaint-monitor-recorded';
const as = (role: string, id: string) => ({ id, roles: [role] });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The shipped complaint with waits a recording can sit through; P1 deadlines are short so P1 escalates. */
export function recordingComplaint(): ProcessDefinition {
  const shipped = parse(fs.readFileSync(path.join(ROOT, 'definitions', 'complaint.yaml'), 'utf8')) as ProcessDefinition;
  return withDecisions(shipped, {
    responseDeadline: [
      { when: 'context.priority == "P0"', then: '1h' },
      { when: 'context.priority == "P1"', then: '3s' },
      { then: '24h' },
    ],
    confirmAfter: '1s',
    satisfactionAfter: '1s',
    followUpWindow: '4s',
    monitorId: MONITOR_ID,
  });
}

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

/** Each case: id → how to drive it. Every path of the complaint, in the order they run. */
const CASES: Record<string, (r: Recorder, def: ProcessDefinition) => Promise<void>> = {
  async 'complaint-p2-closed'({ docket, state }, def) {
    const id = 'complaint-p2-closed';
    await docket.start({ definition: def, id, input: intake('cust-101', 'ordinary', 'logistics_delay', 'Parcel is a week late') });
    await state(id, 'awaiting_response');
    await docket.send(id, { type: 'ACCEPT', actor: as('agent', 'alice') });
    await state(id, 'handling.working');
    // A signal nobody may send is recorded as rejected; the case goes on.
    await docket.signal(id, { type: 'RESOLVE', actor: as('agent', 'mallory'), data: { resolution: 'not mine' } });
    await docket.send(id, { type: 'TRANSFER', actor: as('agent', 'alice'), data: { department: 'logistics', contact: 'wang.fang', need: 'locate parcel 8812' } });
    await state(id, 'handling.with_department');
    await docket.send(id, { type: 'DEPARTMENT_REPLY', actor: as('department', 'wang.fang'), data: { note: 'found; delivering tomorrow' } });
    await docket.send(id, { type: 'RESOLVE', actor: as('agent', 'alice'), data: { resolution: 'parcel delivered' } });
    await state(id, 'resolved.confirmation_call');
    await docket.send(id, { type: 'CONFIRM_SOLVED', actor: as('customer', 'cust-101') });
    await state(id, 'resolved.satisfaction_call');
    await docket.send(id, { type: 'SATISFACTION', actor: as('customer', 'cust-101'), data: { score: 5 } });
    await docket.result(id);
  },

  async 'complaint-p0'({ docket, state }, def) {
    const id = 'complaint-p0';
    // The recorder's notify fails this case's first supervisor alert once: the history shows attempt 2.
    await docket.start({ definition: def, id, input: intake('cust-202', 'outage', 'payment', 'Checkout fails for every card') });
    await state(id, 'awaiting_response');
    await docket.send(id, { type: 'ACCEPT', actor: as('supervisor', 'sam.supervisor') });
    await state(id, 'handling.working');
    await docket.send(id, { type: 'RESOLVE', actor: as('supervisor', 'sam.supervisor'), data: { resolution: 'payment gateway restarted' } });
    await state(id, 'resolved.confirmation_call');
    await docket.send(id, { type: 'CONFIRM_SOLVED', actor: as('customer', 'cust-202') });
    await state(id, 'resolved.satisfaction_call');
    await docket.send(id, { type: 'SATISFACTION', actor: as('customer', 'cust-202'), data: { score: 4 } });
    await docket.result(id);
  },

  async 'complaint-p1-escalation'({ docket, until, state }, def) {
    const id = 'complaint-p1-escalation';
    await docket.start({ definition: def, id, input: intake('cust-303', 'partial', 'product_issue', 'Blender stops after a minute') });
    // Nobody accepts within the P1 response deadline: the case escalates to the lead, who takes it.
    await until(id, (v) => v.context.escalationLevel === 1 && v.state.includes('awaiting_response'), 'escalation to the lead');
    await docket.send(id, { type: 'ACCEPT', actor: as('lead', 'chen.lead') });
    await state(id, 'handling.working');
    await docket.send(id, { type: 'RESOLVE', actor: as('lead', 'chen.lead'), data: { resolution: 'replacement shipped' } });
    await state(id, 'resolved.confirmation_call');
    await docket.send(id, { type: 'CONFIRM_SOLVED', actor: as('customer', 'cust-303') });
    await state(id, 'resolved.satisfaction_call');
    await docket.send(id, { type: 'SATISFACTION', actor: as('customer', 'cust-303'), data: { score: 3 } });
    await docket.result(id);
  },

  async 'complaint-reopen'({ docket, state }, def) {
    const id = 'complaint-reopen';
    await docket.start({ definition: def, id, input: intake('cust-404', 'ordinary', 'product_issue', 'Wrong colour delivered') });
    await state(id, 'awaiting_response');
    await docket.send(id, { type: 'ACCEPT', actor: as('agent', 'dana') });
    await state(id, 'handling.working');
    await docket.send(id, { type: 'RESOLVE', actor: as('agent', 'dana'), data: { resolution: 'exchange arranged' } });
    await docket.send(id, { type: 'NOT_SOLVED', actor: as('customer', 'cust-404'), data: { reason: 'exchange never came' } });
    await state(id, 'handling.working');
    await docket.send(id, { type: 'RESOLVE', actor: as('agent', 'dana'), data: { resolution: 'exchange delivered by courier' } });
    await state(id, 'resolved.confirmation_call');
    await docket.send(id, { type: 'CONFIRM_SOLVED', actor: as('customer', 'cust-404') });
    await state(id, 'resolved.satisfaction_call');
    await docket.send(id, { type: 'SATISFACTION', actor: as('customer', 'cust-404'), data: { score: 4, comment: 'took two tries' } });
    await docket.result(id);
  },

  async 'complaint-closed-without-survey'({ docket, state }, def) {
    const id = 'complaint-closed-without-survey';
    await docket.start({ definition: def, id, input: intake('cust-505', 'suggestion', 'service_attitude', 'Agent was curt on the phone') });
    await state(id, 'awaiting_response');
    await docket.send(id, { type: 'ACCEPT', actor: as('agent', 'erin') });
    await state(id, 'handling.working');
    await docket.send(id, { type: 'RESOLVE', actor: as('agent', 'erin'), data: { resolution: 'apology and coaching' } });
    // The customer is reached for neither call: both windows pass and the case closes without a survey.
    await docket.result(id);
  },

  async [MONITOR_ID]({ until }) {
    // Every complaint above reported its intake here (signal-with-start from the signalProcess activity).
    await until(MONITOR_ID, (v) => v.context.received === 5 && v.state.includes('monitoring.watching'), 'five reports');
  },

  async 'complaint-monitor-continued'({ docket, until }) {
    // A monitor that continues as new after a few events: its exported (latest) run starts from the carried snapshot.
    const id = 'complaint-monitor-continued';
    const definition = path.join(ROOT, 'definitions', 'complaint-monitor.yaml');
    const categories = ['payment', 'payment', 'privacy', 'payment', 'payment', 'payment', 'payment', 'payment'];
    for (const [i, category] of categories.entries()) {
      await docket.report({
        id,
        path: definition,
        continueAsNewAfter: 12,
        event: { type: 'COMPLAINT_RECEIVED', actor: as('system', 'recorder'), data: { caseId: `rec-${i + 1}`, category, day: 20000 + Math.floor(i / 3) } },
      });
      await until(id, (v) => v.context.received === i + 1 && v.state.includes('monitoring.watching'), `report ${i + 1}`);
    }
  },
};

/** notify, failing the first attempt of the P0 supervisor alert so a retry is on record. */
const recorderActivities = {
  ...activities,
  async notify(input: Parameters<typeof activities.notify>[0]) {
    const info = Context.current().info;
    if (info.workflowExecution.workflowId === 'complaint-p0' && info.attempt === 1 && (input as { to?: string }).to === 'supervisor') {
      throw new Error('recorder: simulated outage of the notification service (first attempt)');
    }
    return activities.notify(input);
  },
};

export async function recordHistories(outDir: string, say: (line: string) => void = () => undefined): Promise<string[]> {
  installRuntimeLogging(createLogger({ level: process.env.DOCKET_LOG_LEVEL ?? 'error' }));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-record-'));
  process.env.DOCKET_DATA_DIR = dataDir;
  closeStore();
  const server = await startDevServer({ dataDir, cliPath: await findTemporalCli() });
  say(`dev server on ${server.address}`);
  process.env.TEMPORAL_ADDRESS = server.address;
  process.env.TEMPORAL_NAMESPACE = server.namespace;
  const written: string[] = [];
  try {
    const bundle = await buildWorkflowBundle({ outFile: path.join(dataDir, 'workflow-bundle.js') });
    const taskQueue = 'docket-record';
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const worker = await createDocketWorker({
      connection: nativeConnection,
      namespace: server.namespace,
      taskQueue,
      activities: recorderActivities,
      workflowBundle: { codePath: bundle.path },
    });
    const connection = await Connection.connect({ address: server.address });
    const docket = new ProcessClient({ client: new Client({ connection, namespace: server.namespace }), taskQueue });
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
    const def = recordingComplaint();
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'complaint.recorded.yaml'), `# Written by scripts/record-histories.ts: definitions/complaint.yaml with the recording's timings.\n${stringify(def)}`);
    await worker.runUntil(async () => {
      for (const [id, drive] of Object.entries(CASES)) {
        say(`recording ${id}`);
        await drive(recorder, def);
        const file = path.join(outDir, `${id}.json`);
        fs.writeFileSync(file, `${await docket.history(id)}\n`);
        written.push(file);
      }
    });
    await connection.close();
    await nativeConnection.close();
  } finally {
    closeStore();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return written;
}

if (require.main === module) {
  const outDir = path.resolve(process.argv[2] ?? path.join(ROOT, 'tests', 'histories'));
  recordHistories(outDir, (line) => process.stderr.write(`${line}\n`))
    .then((files) => process.stdout.write(`${files.map((f) => path.relative(process.cwd(), f)).join('\n')}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`record-histories: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    });
}
