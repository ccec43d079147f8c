/**
 * A child process cancelled while it is still reading its definition (its parent left the
 * invoking state a moment after starting it): the child ends cancelled, and the parent ends with
 * the outcome its event chose. Found by CI (`docket test --server`, the warranty claim's
 * "withdrawal while the refund is being approved"): the child failed as DEFINITION_NOT_FOUND
 * ("Workflow cancelled"), and that late failure made the withdrawn parent complete with no
 * outcome while its state view said `failed`.
 *
 * The moment is made certain, not raced: this test's worker holds the child's `resolveDefinition`
 * activity (an activity interceptor, the SDK's own mechanism) until the test lets it go, so the
 * WITHDRAW arrives while the child is in its definition step every time. Both histories then
 * replay against the same code.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { ActivityInboundCallsInterceptor } from '@temporalio/worker';
import { activities } from '../../activities';
import { parseHistoryJson, replayHistoryFiles } from '../../audit';
import type { ResolveRequest } from '../../contract/wire';
import { createDocketWorker } from '../../worker/create-worker';
import { startHarness, type Harness } from '../support/harness';
import { until } from '../support/until';

let h: Harness;
let temporal: Client;
let clientConnection: Connection;
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;

/** Let go of the held definition steps (the test's end: the worker then drains). */
let release: () => void;
const released = new Promise<void>((resolve) => (release = resolve));
/** The processes whose definition step is being held. */
const held: string[] = [];

const holdChildDefinitionStep = (): { inbound: ActivityInboundCallsInterceptor } => ({
  inbound: {
    async execute(input, next) {
      const request = input.args[0] as ResolveRequest | undefined;
      if (request?.process === 'refund-approval') {
        held.push(request.process);
        await released;
      }
      return next(input);
    },
  },
});

beforeAll(async () => {
  h = await startHarness({ withWorker: false });
  workerConnection = await NativeConnection.connect({ address: h.address });
  worker = await createDocketWorker({
    connection: workerConnection,
    namespace: h.namespace,
    taskQueue: h.taskQueue,
    activities,
    workflowBundle: { codePath: h.bundlePath },
    actorTrust: h.actorTrust,
    workerOptions: { interceptors: { activity: [holdChildDefinitionStep] } },
  });
  running = worker.run();
  await h.deployShipped();
  clientConnection = await Connection.connect({ address: h.address });
  temporal = new Client({ connection: clientConnection, namespace: h.namespace });
}, 120_000);

afterAll(async () => {
  release();
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await workerConnection?.close();
  await clientConnection?.close();
  await h?.stop();
});

const as = (role: string, id: string) => ({ id, roles: [role] });

it('a withdrawal while the refund child reads its definition: the child ends cancelled, the claim withdrawn', async () => {
  const id = h.caseId('withdraw-while-child-resolves');
  await h.docket.start({ process: 'warranty-claim', id, input: { customerId: 'cust-w', product: 'laptop', price: 2500 } });
  await h.docket.waitUntilSettled(id, { state: 'assessing.inspection.inspecting' });
  await h.docket.send(id, { type: 'ELIGIBILITY', actor: as('agent', 'ann'), data: { eligible: true } });
  await h.docket.send(id, { type: 'INSPECTED', actor: as('inspector', 'ivy'), data: { fault: 'manufacturing', repairable: false } });
  await h.docket.send(id, { type: 'APPROVE', actor: as('supervisor', 'sam') });
  // The refund child has started and is held in its definition step.
  await until('the child to ask for its definition', async () => (held.length ? true : undefined));
  const child = `${id}/refund-approval-1`;

  await h.docket.send(id, { type: 'WITHDRAW', actor: as('customer', 'cust-w') });
  const result = await h.docket.result(id);
  expect(result.outcome).toBe('withdrawn');

  const view = await h.docket.state(id);
  expect(view).toMatchObject({ status: 'completed', outcome: 'withdrawn', state: ['withdrawn'] });
  // The child was asked to cancel and did: no failure reached the parent's timeline.
  expect((await temporal.workflow.getHandle(child).describe()).status.name).toBe('CANCELLED');
  expect(view.timeline.filter((e) => e.kind === 'invoke' && e.status === 'failed')).toEqual([]);
  const childView = await h.docket.state(child);
  expect(childView.status).toBe('cancelled');
  expect(childView.failure).toBeUndefined();

  // Both histories (the child's with its patch marker) replay against this code.
  const files = await Promise.all([id, child].map(async (c) => parseHistoryJson(await h.docket.history(c), `${c}.json`)));
  const replayed = await replayHistoryFiles(files, { workflowBundle: { codePath: h.bundlePath }, quiet: true });
  expect(replayed.map((r) => ({ workflowId: r.workflowId, ok: r.ok, failure: r.failure }))).toEqual([
    { workflowId: id, ok: true, failure: undefined },
    { workflowId: child, ok: true, failure: undefined },
  ]);
}, 120_000);
