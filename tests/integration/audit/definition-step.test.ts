/**
 * The engine's resolveDefinition step in the recorded histories: every run begins with it, and its
 * result is the definition the case ran (registry version, deployer, time, pinned child versions).
 * It is the engine's step, not the definition's: no activity list, invocation, re-run or what-if
 * counts it. The offline re-run starts the machine where the workflow did, in the activation that
 * received the definition. A history recorded before start-by-name is refused with a message
 * that says so (docs/guide.md "Cases started before start-by-name").
 */
import * as path from 'node:path';
import {
  AuditError,
  auditHistory,
  caseInput,
  historyFacts,
  listHistoryFiles,
  readHistoryFile,
  recordedActivations,
  rerunCase,
  whatIf,
  type HistoryFile,
} from '../../../audit';
import { RESOLVE_DEFINITION_ACTIVITY } from '../../../activities/resolve-definition';
import { ENGINE_ACTIVITIES } from '../../../audit/history-events';
import { definitionHash } from '../../../dsl/hash';
import { loadDefinitionFile } from '../../../dsl/load';
import { testServer } from '../../support/server';
import {
  docket,
  HISTORIES,
  HISTORIES_LOCAL_LOOKUP,
  history,
  historyLocalLookup,
  historyV1,
  RECORDED_DEFINITIONS,
  thrownBy,
} from './support';

const BEFORE = path.join(__dirname, 'fixtures', 'before-start-by-name.json');
const README_POINTER = 'see docs/guide.md "Cases started before start-by-name"';

let files: HistoryFile[];
const recordedHash = new Map<string, string>();
beforeAll(async () => {
  files = await Promise.all((await listHistoryFiles(HISTORIES)).map((f) => readHistoryFile(f)));
  for (const name of ['complaint', 'refund-approval', 'complaint-monitor', 'gray-release', 'warranty-claim']) {
    const { definition } = await loadDefinitionFile(path.join(RECORDED_DEFINITIONS, `${name}.yaml`));
    recordedHash.set(definition!.process, definitionHash(definition!));
  }
});

const eventsOf = (file: HistoryFile) => file.history.events!;

it('the audit names the engine step as the worker registers it', () => {
  expect(ENGINE_ACTIVITIES).toEqual([RESOLVE_DEFINITION_ACTIVITY]);
});

describe('every recorded history', () => {
  it('begins with the resolveDefinition step: the first command of the first workflow task', () => {
    expect(files.length).toBeGreaterThanOrEqual(14);
    for (const file of files) {
      const firstScheduled = eventsOf(file).find((e) => e.activityTaskScheduledEventAttributes);
      expect([file.workflowId, firstScheduled?.activityTaskScheduledEventAttributes?.activityType?.name]).toEqual([
        file.workflowId,
        'resolveDefinition',
      ]);
    }
  });

  it('ran version 1 from the registry, deployed by the recorder, with the definition in tests/histories/definitions', () => {
    for (const file of files) {
      const c = caseInput(file);
      expect({ id: file.workflowId, hash: c.definitionHash }).toEqual({
        id: file.workflowId,
        hash: recordedHash.get(c.definition.process),
      });
      expect(c).toMatchObject({ definitionSource: 'registry', definitionVersion: 1, deployedBy: 'record-histories' });
      expect(Date.parse(c.deployedAt!)).toBeLessThanOrEqual(Date.parse(c.startedAt));
      expect(Date.parse(c.resolvedAt)).toBeGreaterThanOrEqual(Date.parse(c.startedAt));
      // The complaint and the warranty claim pin the version of the child process they will start: the recording refund.
      const invokesRefund = ['complaint', 'warranty-claim'].includes(c.definition.process);
      expect(c.children).toEqual(invokesRefund ? { 'refund-approval': recordedHash.get('refund-approval') } : {});
    }
  });

  it('keeps the step out of the business record: activities, invocations, re-run, activation inputs', () => {
    for (const file of files) {
      const facts = historyFacts(file);
      expect(facts.definitionStep).toMatchObject({ name: 'resolveDefinition', status: 'completed' });
      expect(facts.activities.map((a) => a.name)).not.toContain('resolveDefinition');
      // Every other scheduled activity is in the list.
      const scheduled = eventsOf(file).filter((e) => e.activityTaskScheduledEventAttributes).length;
      expect(facts.activities).toHaveLength(scheduled - 1);

      const { activations, invocations, definitionIn } = recordedActivations(file);
      expect(invocations.map((i) => i.name)).not.toContain('resolveDefinition');
      const stepId = facts.definitionStep!.scheduledEventId;
      expect(activations.flatMap((a) => a.inputs).filter((i) => i.kind === 'result' && i.invocation === stepId)).toEqual([]);
      // Scheduled in the first workflow task; its result arrives with the second: the machine starts there.
      expect(definitionIn).toBe(1);

      const rerun = rerunCase(file);
      expect(rerun.invocations.map((i) => i.name)).not.toContain('resolveDefinition');
      expect(rerun.assumptions).toEqual([]);
      expect(rerun.startedAt).toBe(new Date(activations[1].at).toISOString());
    }
  });

  it('re-run offline reaches the end the case recorded', () => {
    for (const file of files) {
      const end = historyFacts(file).end;
      if (end?.status !== 'completed') continue;
      const rerun = rerunCase(file);
      expect({ id: file.workflowId, outcome: rerun.outcome, state: rerun.state }).toEqual({
        id: file.workflowId,
        outcome: end.result!.outcome,
        state: end.result!.state,
      });
    }
  });
});

describe('a run whose definition the worker answered from its memory (the resolveKnownDefinition local activity)', () => {
  let file: HistoryFile;
  beforeAll(async () => {
    file = await readHistoryFile(historyLocalLookup('refund-known-definition'));
  });

  it('reads the definition from the marker: the same version, deployer and hash as the activity would record', async () => {
    // The definition it ran is in that directory's definitions/ (the shipped YAML has changed since tests/histories was recorded).
    const { definition } = await loadDefinitionFile(path.join(HISTORIES_LOCAL_LOOKUP, 'definitions', 'refund-approval.yaml'));
    expect(eventsOf(file).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'resolveDefinition')).toEqual([]);
    const c = caseInput(file);
    expect(c).toMatchObject({
      definitionHash: definitionHash(definition!),
      definitionSource: 'registry',
      definitionVersion: 1,
      deployedBy: 'record-histories',
      children: {},
    });
    const marker = eventsOf(file).find((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')!;
    expect(historyFacts(file).definitionStep).toMatchObject({
      name: 'resolveKnownDefinition',
      status: 'completed',
      scheduledEventId: Number(marker.eventId),
    });
    // Every scheduled activity is the definition's: the step is in none of the lists.
    const names = historyFacts(file).activities.map((a) => a.name);
    expect(names).toContain('issueRefund');
    expect(names).toHaveLength(eventsOf(file).filter((e) => e.activityTaskScheduledEventAttributes).length);
    expect(recordedActivations(file).invocations.map((i) => i.name)).not.toContain('resolveKnownDefinition');
  });

  it('starts the re-run machine in the first activation, where the marker was recorded, and reaches the recorded end', () => {
    const { activations, definitionIn } = recordedActivations(file);
    expect(definitionIn).toBe(0);
    const rerun = rerunCase(file);
    expect(rerun.startedAt).toBe(new Date(activations[0].at).toISOString());
    expect(rerun.assumptions).toEqual([]);
    expect({ outcome: rerun.outcome, state: rerun.state }).toEqual({
      outcome: historyFacts(file).end!.result!.outcome,
      state: historyFacts(file).end!.result!.state,
    });
  });
});

it('starts the re-run machine where the workflow did: the replayed "started" entry has the re-run\'s start time', async () => {
  const file = await readHistoryFile(history('complaint-p1-escalation'));
  const report = await auditHistory(file, { replayOptions: { workflowBundle: { codePath: testServer().bundlePath }, quiet: true } });
  expect(report.timelineSource).toBe('replay');
  expect(report.timeline[0]).toMatchObject({ kind: 'started', at: rerunCase(file).startedAt });
  expect(report.timeline.filter((e) => e.kind === 'invoke' && e.activity === 'resolveDefinition')).toEqual([]);
  expect(report.activities.map((a) => a.name)).not.toContain('resolveDefinition');
  // The deadlines the machine armed on entering its first states are armed from that time on.
  expect(Date.parse(report.deadlines[0].armedAt)).toBeGreaterThanOrEqual(Date.parse(report.case.definitionResolvedAt));
});

it("delivers a signal-with-start's event, buffered before the definition arrived, when the machine starts", async () => {
  // The version-1 monitor (tests/histories-v1) was started by the first complaint's report
  // (signal-with-start): that signal came with the first workflow task, before the definition.
  // The continued monitor's run starts from the carried snapshot.
  const first = recordedActivations(await readHistoryFile(historyV1('complaint-monitor-recorded'))).activations[0];
  expect(first.inputs).toEqual([
    expect.objectContaining({ kind: 'event', via: 'signal', event: expect.objectContaining({ type: 'COMPLAINT_RECEIVED' }) }),
  ]);
  for (const name of ['complaint-monitor-recorded', 'complaint-monitor-continued']) {
    const file = await readHistoryFile(historyV1(name));
    const signals = eventsOf(file).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
    const carried = (caseInput(file).args.resume?.snapshot as { context?: { received?: number } } | undefined)?.context?.received ?? 0;
    expect(rerunCase(file).context.received).toBe(carried + signals);
  }
});

it('records no event from the complaints in the version-2 monitor: it counted them from visibility', async () => {
  const file = await readHistoryFile(history('complaint-monitor-recorded'));
  expect(eventsOf(file).filter((e) => e.workflowExecutionSignaledEventAttributes)).toEqual([]);
  // Re-run offline from the recorded countCases results, it reaches the counts the recording waited for.
  expect(rerunCase(file).context).toMatchObject({ today: 5, received: 4 });
});

it("applies the input schema's defaults as the workflow does (the start input itself is kept as sent)", async () => {
  const file = await readHistoryFile(history('complaint-p2-closed'));
  const started = eventsOf(file)[0].workflowExecutionStartedEventAttributes!;
  const payload = started.input!.payloads![0];
  const args = JSON.parse(Buffer.from(payload.data!).toString('utf8')) as { input: Record<string, unknown> };
  delete args.input.impact;
  payload.data = Buffer.from(JSON.stringify(args));
  const c = caseInput(file);
  expect(c.args.input).not.toHaveProperty('impact');
  expect(c.input).toMatchObject({ impact: 'ordinary' });
});

it("puts the child's start input by name and pinned version in the child record", async () => {
  const file = await readHistoryFile(history('complaint-with-refund'));
  expect(historyFacts(file).children).toEqual([
    expect.objectContaining({
      process: 'refund-approval',
      version: recordedHash.get('refund-approval'),
      status: 'completed',
      outcome: 'approved',
    }),
  ]);
  expect(
    recordedActivations(file)
      .invocations.filter((i) => i.kind === 'process')
      .map((i) => i.name),
  ).toEqual(['refund-approval']);
});

describe('a history recorded before start-by-name (the definition in the start input, no resolveDefinition step)', () => {
  it('is NOT_A_DOCKET_CASE for the library, pointing at the guide', async () => {
    const file = await readHistoryFile(BEFORE);
    const error = thrownBy(() => caseInput(file));
    expect(error).toBeInstanceOf(AuditError);
    expect(error).toMatchObject({ code: 'NOT_A_DOCKET_CASE' });
    expect((error as Error).message).toMatch(/^\S+before-start-by-name\.json: recorded before start-by-name: /);
    expect((error as Error).message).toContain(README_POINTER);
  });

  it('makes `docket audit` exit 1 with that one line, and `docket replay` report it for the file', async () => {
    const audit = await docket(['audit', BEFORE, '--no-replay']);
    expect(audit).toMatchObject({ code: 1, stdout: '' });
    expect(audit.stderr.split('\n')).toHaveLength(2);
    expect(audit.stderr).toMatch(
      new RegExp(`^docket: ${BEFORE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: recorded before start-by-name: .*\\(${README_POINTER}\\)\\n$`),
    );

    const replay = await docket(['replay', BEFORE, '--bundle', testServer().bundlePath]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain(`FAILED  ${BEFORE}  unreadable: ${BEFORE}: recorded before start-by-name: `);
    expect(replay.stdout).toContain(README_POINTER);
  });

  it('is skipped by what-if with that reason', async () => {
    const { definition } = await loadDefinitionFile(path.join(RECORDED_DEFINITIONS, 'refund-approval.yaml'));
    const report = await whatIf(definition!, [BEFORE, history('refund-lead-approved')]);
    expect(report.summary).toMatchObject({ compared: 1, skipped: 1 });
    expect(report.cases[0].skipped).toContain(README_POINTER);
  });
});
