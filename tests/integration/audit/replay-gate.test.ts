/**
 * The replay gate: every recorded history under tests/histories replays with the current workflow
 * code, and an incompatible interpreter (one more activity before the first state) fails it with a
 * nondeterminism error that names the event, so such a change cannot land unnoticed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { caseInput, listHistoryFiles, readHistoryFile, replayHistories, type ReplayOutcome } from '../../../audit';
import { isDefinitionFileName } from '../../../dsl/file-kinds';
import { loadDefinitionFile } from '../../../dsl/load';
import { testServer } from '../../support/server';
import { docket, HISTORIES, HISTORIES_LOCAL_LOOKUP, HISTORIES_V1, ROOT } from './support';

/** Event id of the history's resolveDefinition step (its ActivityTaskScheduled). */
function resolveStep(file: string): number {
  const events = (
    JSON.parse(readFileSync(file, 'utf8')) as {
      events: Array<{ eventId: string; activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } }>;
    }
  ).events;
  const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'resolveDefinition');
  expect(scheduled).toHaveLength(1);
  return Number(scheduled[0].eventId);
}

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
let tmp: string;
let incompatibleBundle: string;
let current: ReplayOutcome[];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'docket-replay-gate-'));
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(ROOT, 'tests', 'fixtures', 'incompatible-workflow', 'index.ts'),
    logger: silent,
  });
  incompatibleBundle = path.join(tmp, 'incompatible-bundle.js');
  writeFileSync(incompatibleBundle, code);
  current = await replayHistories(HISTORIES, { workflowBundle: { codePath: testServer().bundlePath }, quiet: true });
  // On this shared 2-core machine under load (load average 24), bundling workflow code took 40 to
  // 57 s in Jest's global setup; this hook bundles once more and then replays every history, which
  // went past the default 120 s hook limit.
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('recorded histories', () => {
  it('replay every recorded history with the current workflow code', () => {
    expect(current.length).toBeGreaterThanOrEqual(14);
    expect(current.filter((r) => !r.ok)).toEqual([]);
    // Replay is no formality: the workflow re-ran and reported its timeline to the audit sink.
    for (const r of current) expect(r.timeline.length).toBeGreaterThan(0);
  });

  it('cover every shipped process', async () => {
    const recorded = new Set<string>();
    for (const file of await listHistoryFiles(HISTORIES)) recorded.add(caseInput(await readHistoryFile(file)).definition.process);
    const shipped = readdirSync(path.join(ROOT, 'definitions')).filter(isDefinitionFileName);
    for (const file of shipped) {
      const { definition } = await loadDefinitionFile(path.join(ROOT, 'definitions', file));
      expect(recorded).toContain(definition!.process);
    }
  });

  it('cover every complaint path: P2 closed, P0 emergency plan, P1 escalation, reopen, closed without survey, resolved with a refund, up the escalation ladder', () => {
    const pathOf = (id: string) => current.find((r) => r.workflowId === id)!.timeline.flatMap((e) => (e.kind === 'transition' ? e.to : []));
    expect(pathOf('complaint-p2-closed')).toEqual(
      expect.arrayContaining(['handling.with_department', 'resolved.satisfaction_call', 'closed']),
    );
    expect(pathOf('complaint-p0')).toEqual(expect.arrayContaining(['alert_supervisor', 'emergency_plan', 'closed']));
    expect(pathOf('complaint-p1-escalation')).toEqual(expect.arrayContaining(['alert_supervisor', 'escalating', 'closed']));
    expect(pathOf('complaint-reopen')).toEqual(expect.arrayContaining(['reopened', 'closed']));
    expect(pathOf('complaint-closed-without-survey').pop()).toBe('closed_without_survey');
    expect(pathOf('complaint-with-refund')).toEqual(
      expect.arrayContaining(['handling.working', 'refunding', 'resolved.waiting_confirmation', 'closed']),
    );
    // Nobody accepted it: the shared escalation ladder took it up three levels before the manager accepted.
    const ladder = current.find((r) => r.workflowId === 'complaint-ladder')!.timeline;
    expect(ladder.filter((e) => e.kind === 'transition' && e.to.includes('escalating'))).toHaveLength(3);
    expect(ladder).toContainEqual(
      expect.objectContaining({
        kind: 'transition',
        event: 'ACCEPT',
        actor: { id: 'wu.manager', roles: ['manager'], issuer: 'record-histories' },
      }),
    );
    expect(pathOf('complaint-ladder').pop()).toBe('closed');
  });

  it("include a child process: the complaint that waited for its refund approval replays with the child's result", () => {
    const withChild = current.find((r) => r.workflowId === 'complaint-with-refund')!;
    expect(withChild.ok).toBe(true);
    expect(withChild.timeline).toContainEqual(
      expect.objectContaining({ kind: 'invoke', process: 'refund-approval', status: 'done', state: 'refunding' }),
    );
    expect(withChild.timeline).toContainEqual(
      expect.objectContaining({ kind: 'transition', event: 'invoke.done', from: ['refunding'], to: ['resolved.waiting_confirmation'] }),
    );
  });

  it('fail, every one, against an interpreter that runs one more activity before the first state, naming the event', async () => {
    const results = await replayHistories(HISTORIES, { workflowBundle: { codePath: incompatibleBundle }, quiet: true });
    expect(results).toHaveLength(current.length);
    for (const r of results) {
      expect(r.ok).toBe(false);
      expect(r.failure).toMatchObject({ kind: 'nondeterminism', eventId: expect.any(Number) });
      // Every run's first command is the engine's resolveDefinition step; the interpreter's extra
      // activity comes first, so Core names both activity types (and no event id: we find it).
      expect(r.failure!.message).toMatch(/Nondeterminism error: .*'resolveDefinition'.*'notify'/);
      expect(r.failure!.message).toContain(`the history has ActivityTaskScheduled at event ${r.failure!.eventId}`);
      expect(r.failure!.eventId).toBe(resolveStep(r.file));
    }
  });
});

describe('histories recorded under version 1 of complaint and complaint-monitor', () => {
  it('still replay: a case keeps the definition it started with, so cases running when version 2 is deployed run on', async () => {
    const v1 = await replayHistories(HISTORIES_V1, { workflowBundle: { codePath: testServer().bundlePath }, quiet: true });
    expect(v1.map((r) => path.basename(r.file))).toEqual(
      expect.arrayContaining(['complaint-monitor-recorded.json', 'complaint-p2-closed.json']),
    );
    expect(v1.filter((r) => !r.ok)).toEqual([]);
    // Their complaints reported to the monitor by signal (signalProcess), which the worker still registers.
    const p2 = v1.find((r) => r.workflowId === 'complaint-p2-closed')!;
    expect(p2.timeline).toContainEqual(expect.objectContaining({ kind: 'invoke', activity: 'signalProcess', status: 'done' }));
  });
});

describe('histories whose definition step the worker answered from its memory (resolveKnownDefinition)', () => {
  it("replay: the local activity's marker gives the workflow its definition, with no resolveDefinition activity", async () => {
    const known = await replayHistories(HISTORIES_LOCAL_LOOKUP, { workflowBundle: { codePath: testServer().bundlePath }, quiet: true });
    expect(known.map((r) => path.basename(r.file))).toEqual(['refund-known-definition.json']);
    expect(known.filter((r) => !r.ok)).toEqual([]);
    expect(known[0].timeline.flatMap((e) => (e.kind === 'transition' ? e.to : []))).toEqual(['paying', 'approved']);
    const events = (JSON.parse(readFileSync(known[0].file, 'utf8')) as { events: Array<Record<string, unknown>> }).events;
    expect(events.filter((e) => JSON.stringify(e).includes('"resolveDefinition"'))).toEqual([]);
  });
});

describe('docket replay', () => {
  it('prints one ok line per history and a summary, and exits 0', async () => {
    const run = await docket(['replay', HISTORIES, '--bundle', testServer().bundlePath]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(
      lines.filter((l) => /^\[\s*\d+\/\d+\] ok {6}\S+\/tests\/histories\/[\w-]+\.json {2}\([\w-]+, \d+ events\)$/.test(l)),
    ).toHaveLength(current.length);
    expect(lines.pop()).toBe(`${current.length} histories: ${current.length} ok, 0 failed`);
  });

  it('prints FAILED with the event id for each history and exits 1 when the code is incompatible', async () => {
    const run = await docket([
      'replay',
      path.join(HISTORIES, 'complaint-p0.json'),
      path.join(HISTORIES, 'refund-escalated.json'),
      '--bundle',
      incompatibleBundle,
    ]);
    expect(run.code).toBe(1);
    const p0 = resolveStep(path.join(HISTORIES, 'complaint-p0.json'));
    const refund = resolveStep(path.join(HISTORIES, 'refund-escalated.json'));
    expect(run.stdout).toMatch(new RegExp(`^\\[1/2\\] FAILED {2}.*complaint-p0\\.json {2}nondeterminism at event ${p0}: `, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^\\[2/2\\] FAILED {2}.*refund-escalated\\.json {2}nondeterminism at event ${refund}: `, 'm'));
    expect(run.stdout).toMatch(/2 histories: 0 ok, 2 failed\n$/);
  });

  it('names a workflow bundle that does not exist and exits 1 (it used to hang after an internal error)', async () => {
    const missing = path.join(tmp, 'no-such-bundle.js');
    const run = await docket(['replay', path.join(HISTORIES, 'refund-lead-approved.json'), '--bundle', missing]);
    expect(run).toMatchObject({ code: 1, stdout: '', stderr: `docket: ${missing}: no such workflow bundle file\n` });
    const viaEnv = await docket(['audit', path.join(HISTORIES, 'refund-lead-approved.json')], { DOCKET_WORKFLOW_BUNDLE: missing });
    expect(viaEnv).toMatchObject({ code: 1, stdout: '' });
    expect(viaEnv.stderr).toBe(
      `docket: DOCKET_WORKFLOW_BUNDLE: no such file "${missing}" (build it with \`npm run build:bundle\`, or unset the variable to bundle at start)\n`,
    );
  });

  it('names the file that is not a history', async () => {
    const bad = path.join(tmp, 'not-a-history.json');
    writeFileSync(bad, JSON.stringify({ workflowId: 'x' }));
    const run = await docket(['replay', bad, '--bundle', testServer().bundlePath]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`FAILED  ${bad}  unreadable: ${bad}: not a history`);
  });
});
