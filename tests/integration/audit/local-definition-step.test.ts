/**
 * The definition step as a local activity (since 2026-12-02, workflows/definition-step.ts), on a
 * case run now on the dev server: the run starts with the `docket-compact-start` patch marker and
 * the `resolveDefinition` local activity marker in its first workflow task (no activity task, no
 * second workflow task), upserts the process, definition hash and first state in one event, and
 * the audit reads the definition, the activations and the re-run from the marker as it read them
 * from the activity's completion. The recorded histories under tests/histories were recorded
 * before: they keep the activity form, and the replay gate (replay-gate.test.ts) replays them with
 * this code through the patch's old branch.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { auditHistory, caseInput, historyFacts, readHistoryFile, recordedActivations, rerunCase, type HistoryFile } from '../../../audit';
import { attributesOf, eventTypeName, localActivityOf, type HistoryEvent } from '../../../audit/history-events';
import { replayHistories } from '../../../audit/replay';
import { COMPACT_START_PATCH } from '../../../workflows/definition-step';
import { SA_DEFINITION_HASH, SA_PROCESS, SA_STATE } from '../../../contract/search-attributes';
import { startHarness, type Harness } from '../../support/harness';
import { testServer } from '../../support/server';
import { settledHistoryLength } from '../../support/settled-history';

const as = (role: string, id: string) => ({ id, roles: [role] });

let h: Harness;
let file: HistoryFile;
let id: string;
let dir: string;
beforeAll(async () => {
  h = await startHarness();
  id = h.caseId('local-step');
  await h.docket.start({ process: 'refund-approval', id, input: { caseId: 'C-9001', amount: 120, requestedBy: 'alice', customerId: 'cust-9', reason: 'parcel lost' } });
  await h.docket.send(id, { type: 'APPROVE', actor: as('lead', 'chen.lead') });
  expect((await h.docket.result(id)).outcome).toBe('approved');
  await settledHistoryLength(h.docket, id);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-local-step-'));
  const out = path.join(dir, `${id}.json`);
  fs.writeFileSync(out, await h.docket.history(id));
  file = await readHistoryFile(out);
});
afterAll(async () => {
  await h?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const events = () => file.history.events as HistoryEvent[];
const names = () => events().map(eventTypeName);

it('starts with the patch marker and the local activity marker in the first workflow task, and no activity task for it', () => {
  const firstTaskEnd = names().indexOf('WorkflowTaskCompleted');
  expect(names().slice(0, firstTaskEnd + 3)).toEqual([
    'WorkflowExecutionStarted',
    'WorkflowTaskScheduled',
    'WorkflowTaskStarted',
    'WorkflowTaskCompleted',
    'MarkerRecorded', // the patch
    'UpsertWorkflowSearchAttributes', // TemporalChangeVersion, written by the SDK for the patch
  ]);
  const patch = attributesOf(events()[firstTaskEnd + 1]) as { markerName?: string; details?: Record<string, { payloads?: Array<{ data?: Uint8Array }> }> };
  expect(patch.markerName).toBe('core_patch');
  expect(Buffer.from(patch.details!['patch-data'].payloads![0].data!).toString()).toContain(COMPACT_START_PATCH);
  const step = events().map(localActivityOf).find((s) => s !== undefined);
  expect(step).toMatchObject({ activityType: 'resolveDefinition', attempt: 1 });
  expect(events().filter((e) => eventTypeName(e) === 'ActivityTaskScheduled' && JSON.stringify(attributesOf(e)).includes('resolveDefinition'))).toEqual([]);
});

it('upserts the process, the definition hash and the first state in one event', () => {
  const upserts = events()
    .filter((e) => eventTypeName(e) === 'UpsertWorkflowSearchAttributes')
    .map((e) => Object.keys((attributesOf(e) as { searchAttributes?: { indexedFields?: object } }).searchAttributes?.indexedFields ?? {}));
  const withIdentity = upserts.filter((keys) => keys.includes(SA_PROCESS.name));
  expect(withIdentity).toHaveLength(1);
  expect(withIdentity[0]).toEqual(expect.arrayContaining([SA_PROCESS.name, SA_DEFINITION_HASH.name, SA_STATE.name]));
});

it('audits the case from the marker: definition, definition step, activations, re-run', async () => {
  const started = caseInput(file);
  expect(started.definition.process).toBe('refund-approval');
  expect(started.definitionSource).toBe('registry');
  const facts = historyFacts(file);
  expect(facts.definitionStep).toMatchObject({ name: 'resolveDefinition', status: 'completed' });
  expect(facts.activities.map((a) => a.name)).not.toContain('resolveDefinition');
  // The machine started in the first activation: the one that ran the local activity.
  expect(recordedActivations(file).definitionIn).toBe(0);
  const rerun = rerunCase(file);
  expect({ outcome: rerun.outcome, state: rerun.state }).toEqual({ outcome: 'approved', state: ['approved'] });

  const report = await auditHistory(file, { replayOptions: { workflowBundle: { codePath: testServer().bundlePath }, quiet: true } });
  expect(report.timelineSource).toBe('replay');
  expect(report.timeline[0]).toMatchObject({ kind: 'started' });
  expect(report.timeline.map((e) => e.kind)).toContain('completed');
  expect(report.case.definitionHash).toBe(started.definitionHash);
});

it('replays with the workflow code', async () => {
  const results = await replayHistories([file.file], { workflowBundle: { codePath: testServer().bundlePath }, quiet: true });
  expect(results.map((r) => [r.ok, r.failure?.message])).toEqual([[true, undefined]]);
});
