/**
 * The definition step answered from the worker's memory (issue 10): a start that names the full
 * hash of a version this worker has already read from the registry is resolved by the local
 * activity `resolveKnownDefinition` (a MarkerRecorded event in the first workflow task) instead
 * of the `resolveDefinition` activity, when the start also names its children's versions
 * (`children`, as the TypeScript client does). A start the worker does not know, and a start
 * without `children` (by name, or recorded before the field existed), go through the activity.
 */
import { caseInput, historyFacts, parseHistoryJson, type HistoryFile } from '../../audit';
import type { ProcessArgs, StateView } from '../../contract/wire';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(() => h?.stop());

const refund = (caseId: string) => ({ caseId, amount: 120, requestedBy: 'bob', reason: 'item missing', customerId: `cust-${caseId}` });
const complaint = {
  customerId: 'cust-101',
  customerName: 'Zhang Min',
  contact: 'zm@example.com',
  channel: 'app',
  category: { level1: 'logistics_delay' },
  description: 'Parcel is a week late',
  impact: 'ordinary',
};

/** Waits until the case has resolved its definition and started its machine. */
async function started(id: string): Promise<StateView> {
  for (;;) {
    const view = await h.docket.state(id);
    if (view.status !== 'starting') return view;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The fields of an exported history event this test reads. */
interface JsonEvent {
  markerRecordedEventAttributes?: {
    markerName?: string;
    details: { data: { payloads: Array<{ data: string }> }; result: { payloads: Array<{ data?: string }> } };
  };
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
}

interface Step {
  /** The local activities' markers, in order: their activity type and whether they answered. */
  markers: Array<{ type: string; answered: boolean }>;
  /** Activity types scheduled before the machine's own. */
  resolveActivities: number;
  file: HistoryFile;
}

async function definitionStep(id: string): Promise<Step> {
  await started(id);
  const json = await h.docket.history(id);
  const events = (JSON.parse(json) as { events: JsonEvent[] }).events;
  const markers = events
    .map((e) => e.markerRecordedEventAttributes)
    .filter((a) => a?.markerName === 'core_local_activity')
    .map((a) => a!)
    .map((a) => {
      const data = JSON.parse(Buffer.from(a.details.data.payloads[0].data, 'base64').toString('utf8')) as { activity_type: string };
      const result = Buffer.from(a.details.result.payloads[0].data ?? '', 'base64').toString('utf8');
      return { type: data.activity_type, answered: result !== '' && result !== 'null' };
    });
  const resolveActivities = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'resolveDefinition').length;
  return { markers, resolveActivities, file: parseHistoryJson(json, `${id}.json`) };
}

it('answers a start by full hash from memory once the worker has read that version, and records it as the definition', async () => {
  const first = h.caseId('known-first');
  await h.docket.start({ process: 'refund-approval', id: first, input: refund('C-1') });
  // A worker that has not read the version: the lookup answers null ("not known here") and the activity runs.
  expect(await definitionStep(first)).toMatchObject({
    markers: [{ type: 'resolveKnownDefinition', answered: false }],
    resolveActivities: 1,
  });

  const second = h.caseId('known-second');
  await h.docket.start({ process: 'refund-approval', id: second, input: refund('C-2') });
  const step = await definitionStep(second);
  expect(step).toMatchObject({ markers: [{ type: 'resolveKnownDefinition', answered: true }], resolveActivities: 0 });
  // The audit reads the same definition, version and deployer from either step.
  const [a, b] = [caseInput((await definitionStep(first)).file), caseInput(step.file)];
  expect(b).toMatchObject({
    definitionHash: a.definitionHash,
    definitionVersion: a.definitionVersion,
    deployedBy: a.deployedBy,
    deployedAt: a.deployedAt,
    definitionSource: 'registry',
  });
  expect(historyFacts(step.file).definitionStep).toMatchObject({ name: 'resolveKnownDefinition', status: 'completed' });
  // And the case runs: the lead approves, the refund is paid.
  await h.docket.send(second, { type: 'APPROVE', actor: { id: 'chen.lead', roles: ['lead'] } });
  expect(await h.docket.result(second)).toMatchObject({ outcome: 'approved' });
});

it('goes to the registry for a start by process name alone: no local lookup, no patch marker', async () => {
  const id = h.caseId('by-name');
  await h.docket.client.workflow.start('process', {
    workflowId: id,
    taskQueue: h.taskQueue,
    args: [{ process: 'refund-approval', input: refund('C-3') } satisfies ProcessArgs],
  });
  const step = await definitionStep(id);
  expect(step).toMatchObject({ markers: [], resolveActivities: 1 });
  const events = (JSON.parse(await h.docket.history(id)) as { events: JsonEvent[] }).events;
  expect(events.filter((e) => e.markerRecordedEventAttributes)).toEqual([]);
});

it("answers a start that names its children's versions from memory, the children pinned as named", async () => {
  const current = await h.docket.definition('refund-approval');
  for (const name of ['child-first', 'child-second']) {
    const id = h.caseId(name);
    await h.docket.start({ process: 'complaint', id, input: complaint });
    const step = await definitionStep(id);
    // The client names the children the registry answered; the worker checks each against what it read from the registry.
    const expected =
      name === 'child-first'
        ? { markers: [{ type: 'resolveKnownDefinition' }], resolveActivities: expect.any(Number) }
        : { markers: [{ type: 'resolveKnownDefinition', answered: true }], resolveActivities: 0 };
    expect(step).toMatchObject(expected);
    expect(caseInput(step.file).children).toEqual({ 'refund-approval': current.hash });
  }
});

it('refuses a child version that is not deployed for that child, from memory or not (DEFINITION_NOT_FOUND)', async () => {
  const complaintVersion = await h.docket.definition('complaint');
  // A deployed hash, but of another process: the complaint's own.
  for (const forged of [complaintVersion.hash, 'f'.repeat(64)]) {
    const id = h.caseId(`forged-child-${forged.slice(0, 4)}`);
    const handle = await h.docket.client.workflow.start('process', {
      workflowId: id,
      taskQueue: h.taskQueue,
      args: [
        {
          process: 'complaint',
          version: complaintVersion.hash,
          children: { 'refund-approval': forged },
          input: complaint,
        } satisfies ProcessArgs,
      ],
    });
    const err = (await handle.result().catch((e: unknown) => e)) as { cause?: { type?: string; message?: string } };
    expect(err.cause?.type).toBe('DEFINITION_NOT_FOUND');
    expect(err.cause?.message).toContain('refund-approval');
  }
});

it('refuses a malformed children object at once (INVALID_START), naming the field', async () => {
  const handle = await h.docket.client.workflow.start('process', {
    workflowId: h.caseId('bad-children'),
    taskQueue: h.taskQueue,
    args: [{ process: 'complaint', children: { 'refund-approval': 42 }, input: complaint } as unknown as ProcessArgs],
  });
  const err = (await handle.result().catch((e: unknown) => e)) as { cause?: { type?: string; message?: string } };
  expect(err.cause?.type).toBe('INVALID_START');
  expect(err.cause?.message).toContain('children["refund-approval"] must be a definition hash');

  // A hostile one: a 10,000-character key holding a large object. The message quotes both bounded.
  const hostile = await h.docket.client.workflow.start('process', {
    workflowId: h.caseId('hostile-children'),
    taskQueue: h.taskQueue,
    args: [
      { process: 'complaint', children: { ['k'.repeat(10_000)]: { big: 'x'.repeat(10_000) } }, input: complaint } as unknown as ProcessArgs,
    ],
  });
  const refused = (await hostile.result().catch((e: unknown) => e)) as { cause?: { type?: string; message?: string } };
  expect(refused.cause?.type).toBe('INVALID_START');
  expect(refused.cause?.message?.length).toBeLessThan(400);
});

it('answers a continued run from memory, children included: the run before pinned them by hash', async () => {
  const id = h.caseId('continued');
  await h.docket.start({ process: 'complaint', id, input: complaint, continueAsNewAfter: 25 });
  const first = await definitionStep(id);
  expect(first.markers).toMatchObject([{ type: 'resolveKnownDefinition' }]);
  for (;;) {
    const view = await h.docket.state(id);
    if (view.state.includes('awaiting_response')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await h.docket.send(id, { type: 'ACCEPT', actor: { id: 'alice', roles: ['agent'] } });
  // The run continues as new once its history has 25 events and nothing is in flight.
  for (;;) {
    const view = await h.docket.state(id);
    if (view.timeline.some((e) => e.kind === 'continued') && view.status !== 'starting') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const continued = await definitionStep(id);
  expect(continued).toMatchObject({ markers: [{ type: 'resolveKnownDefinition', answered: true }], resolveActivities: 0 });
  expect(caseInput(continued.file).children).toEqual(caseInput(first.file).children);
  expect(caseInput(continued.file).definitionHash).toBe(caseInput(first.file).definitionHash);
});
