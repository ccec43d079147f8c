/**
 * `docket audit` on recorded histories: the business timeline with actors and roles, deadlines met
 * and missed (and by how much), activities with their attempts, the definition hash, and the
 * single-file HTML report with the state diagram and the path taken.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { auditHistory, readHistoryFile, type AuditReport } from '../../../audit';
import { definitionHash } from '../../../dsl/hash';
import { loadDefinitionFile } from '../../../dsl/load';
import { testServer } from '../../support/server';
import { docket, history, RECORDED_DEFINITIONS } from './support';

/** The delay expressions of the recorded definitions (the shared escalation ladder's levels). */
const RESPONSE_DELAY = 'context.heldBy == "agent" ? decide.responseDeadline : decide.levelDeadline';
const APPROVER_DELAY = 'context.heldBy == "finance" ? decide.financeDeadline : decide.levelDeadline';

const audit = async (name: string) =>
  auditHistory(await readHistoryFile(history(name)), {
    replayOptions: { workflowBundle: { codePath: testServer().bundlePath }, quiet: true },
  });

let complaintHash: string;
let refundHash: string;
let p1: AuditReport;
let tmp: string;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'docket-audit-report-'));
  complaintHash = definitionHash((await loadDefinitionFile(path.join(RECORDED_DEFINITIONS, 'complaint.yaml'))).definition!);
  refundHash = definitionHash((await loadDefinitionFile(path.join(RECORDED_DEFINITIONS, 'refund-approval.yaml'))).definition!);
  p1 = await audit('complaint-p1-escalation');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the P1 complaint that escalated', () => {
  it('names the definition and the hash it ran under, its registry version, deployer and time, and proves the record with a replay', () => {
    expect(p1.case).toMatchObject({
      workflowId: 'complaint-p1-escalation',
      process: 'complaint',
      definitionHash: complaintHash,
      status: 'completed',
      outcome: 'closed',
    });
    expect(p1.case).toMatchObject({
      definitionSource: 'registry',
      definitionVersion: 1,
      deployedBy: 'record-histories',
      deployedAt: expect.stringMatching(/Z$/),
      childVersions: { 'refund-approval': refundHash },
    });
    // The engine's resolveDefinition step is not one of the case's activities.
    expect(p1.activities.map((a) => a.name)).not.toContain('resolveDefinition');
    expect(p1.timeline[0]).toMatchObject({ kind: 'started', definition: 'complaint', hash: complaintHash });
    expect(p1.replay).toEqual({ performed: true, ok: true, failure: undefined, note: undefined });
    expect(p1.timelineSource).toBe('replay');
  });

  it('lists each transition with the event, the actor and the role', () => {
    const transitions = p1.timeline.filter((e) => e.kind === 'transition');
    expect(transitions).toContainEqual(
      expect.objectContaining({
        event: 'ACCEPT',
        actor: { id: 'chen.lead', roles: ['lead'], issuer: 'record-histories' },
        from: ['awaiting_response'],
        to: ['assigning'],
      }),
    );
    expect(transitions).toContainEqual(
      expect.objectContaining({ event: 'after:response deadline', from: ['awaiting_response'], to: ['escalating'] }),
    );
    expect(p1.actors).toEqual(expect.arrayContaining([{ id: 'chen.lead', roles: ['lead'], events: 2, issuers: ['record-histories'] }]));
    expect(p1.path.slice(0, 5)).toEqual(['intake', 'alert_supervisor', 'awaiting_response', 'escalating', 'awaiting_response']);
  });

  it('reports the missed response deadline as escalated (the case moved on without the step), and the re-armed one as met by the response', () => {
    const [missed, rearmed] = p1.deadlines.filter((d) => d.name === 'response deadline');
    expect(missed).toMatchObject({ state: 'awaiting_response', kind: 'deadline', status: 'missed', source: RESPONSE_DELAY, delayMs: 3000 });
    // The response came in the re-armed deadline's time: it is that one's, not a late answer to this one.
    expect(missed.movedTo).toEqual(['escalating']);
    expect(missed.by).toBeUndefined();
    expect(missed.stillOpen).toBeUndefined();
    expect(rearmed).toMatchObject({ status: 'met', by: { event: 'ACCEPT', actor: { id: 'chen.lead' } } });
    expect(p1.deadlines.find((d) => d.name === '3-day confirmation')).toMatchObject({ kind: 'wait', status: 'elapsed' });
    expect(p1.totals.firstResponse).toMatchObject({
      event: 'ACCEPT',
      met: false,
      target: { deadline: 'response deadline', ms: 3000, source: RESPONSE_DELAY },
    });
    expect(p1.totals.resolution).toMatchObject({
      event: 'RESOLVE',
      met: true,
      target: { deadline: 'resolution target', source: 'decide.resolutionTarget' },
    });
    expect(p1.totals.deadlines).toMatchObject({ missed: 1 });
  });
});

it('shows an activity that was retried with its attempts and the failure of the first one', async () => {
  const p0 = await audit('complaint-p0');
  const alert = p0.activities.find((a) => a.name === 'notify' && (a.input as { to?: string }).to === 'supervisor');
  expect(alert).toMatchObject({ attempts: 2, status: 'completed', lastRetriedFailure: expect.stringMatching(/simulated outage/) });
  expect(p0.activities.filter((a) => a.attempts === 1).length).toBeGreaterThan(3);
});

it('shows a refused signal with who sent it and the rule it broke', async () => {
  const p2 = await audit('complaint-p2-closed');
  expect(p2.timeline).toContainEqual(
    expect.objectContaining({ kind: 'rejected', event: 'RESOLVE', actor: { id: 'mallory', roles: ['agent'] }, code: 'GUARD_FAILED' }),
  );
});

describe('the complaint resolved with a refund through a child process', () => {
  const child = {
    workflowId: 'complaint-with-refund/refund-approval-1',
    process: 'refund-approval',
    status: 'completed',
    outcome: 'approved',
    runId: expect.stringMatching(/^[0-9a-f-]{36}$/),
  };

  it('lists the child with its process id, workflow id and outcome, and proves the record with a replay', async () => {
    const report = await audit('complaint-with-refund');
    expect(report.replay).toMatchObject({ performed: true, ok: true });
    expect(report.case).toMatchObject({
      workflowId: 'complaint-with-refund',
      process: 'complaint',
      status: 'completed',
      outcome: 'closed',
    });
    expect(report.children).toEqual([expect.objectContaining(child)]);
    // The child ran while the parent waited in `refunding`.
    const [record] = report.children;
    const refunding = report.timeline.find((e) => e.kind === 'transition' && e.to.includes('refunding'))!;
    const done = report.timeline.find((e) => e.kind === 'transition' && e.from.includes('refunding'))!;
    expect(Date.parse(record.initiatedAt)).toBeGreaterThanOrEqual(Date.parse(refunding.at));
    expect(Date.parse(record.endedAt!)).toBeLessThanOrEqual(Date.parse(done.at));
  });

  it("shows the child in the text report's child processes section", async () => {
    const run = await docket(['audit', history('complaint-with-refund'), '--bundle', testServer().bundlePath]);
    expect(run.code).toBe(0);
    const section = run.stdout.split('\nchild processes\n')[1]?.split('\n\n')[0];
    expect(section).toBeDefined();
    const lines = section!.split('\n');
    expect(lines[0]).toMatch(/^ {2}ID +PROCESS +STARTED +OUTCOME$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}complaint-with-refund\/refund-approval-1 +refund-approval +\S+Z +completed, outcome approved$/),
    ]);
  });

  it('has the child in the JSON report', async () => {
    const run = await docket(['audit', history('complaint-with-refund'), '--format', 'json', '--no-replay']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.children).toEqual([expect.objectContaining(child)]);
  });

  it('leaves the children section empty for a case without a child', async () => {
    expect(p1.children).toEqual([]);
    const run = await docket(['audit', history('complaint-p1-escalation'), '--no-replay']);
    expect(run.stdout).toMatch(/\nchild processes\n {2}\(none\)\n/);
  });
});

describe('docket audit', () => {
  it('prints the text report: header with hash and digest, transitions with actor and role, the missed deadline', async () => {
    const run = await docket(['audit', history('complaint-p1-escalation'), '--bundle', testServer().bundlePath]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `definition  complaint sha256 ${complaintHash}, version 1 from the registry, deployed by record-histories at ${p1.case.deployedAt}\n`,
    );
    expect(run.stdout).toContain(`children    refund-approval sha256 ${refundHash}\n`);
    expect(run.stdout).toContain(`digest      ${p1.digest}`);
    expect(run.stdout).toMatch(/replay {6}ok: the current workflow code reproduces all \d+ events/);
    expect(run.stdout).toMatch(/ACCEPT +chen\.lead \(lead; verified by record-histories\) +awaiting_response → assigning/);
    expect(run.stdout).toMatch(
      /response deadline +awaiting_response +3\.0s \(context\.heldBy == "agent" \? decide\.responseDeadline : decide\.levelDeadline\) .* MISSED; the case moved on to escalating without it/,
    );
    expect(run.stdout).toMatch(
      /first response: .*target 3\.0s \(response deadline, context\.heldBy == "agent" \? decide\.responseDeadline : decide\.levelDeadline\): MISSED/,
    );
    expect(run.stdout).toMatch(/notify +\S+ +1 +completed/);
  });

  it('writes a single self-contained HTML file with the state diagram, the path and no external URL', async () => {
    const file = path.join(tmp, 'p1.html');
    const run = await docket([
      'audit',
      history('complaint-p1-escalation'),
      '--format',
      'html',
      '-o',
      file,
      '--bundle',
      testServer().bundlePath,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`wrote the html audit of complaint-p1-escalation to ${file}\ndigest ${p1.digest}\n`);
    expect(readdirSync(tmp)).toEqual(['p1.html']);
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=/i);
    expect(html).toContain('<pre class="mermaid">stateDiagram-v2');
    expect(html).toMatch(/\n *class [\w,]*\bescalating\b[\w,]* visited\n/);
    expect(html).toContain('<span class="state visited">escalating</span><span class="count">×1</span>');
    expect(html).toContain('<span class="state">closed_without_survey</span>');
    expect(html).toMatch(
      /<ol class="path"><li><code>intake<\/code><\/li><li><code>alert_supervisor<\/code><\/li>.*<li><code>escalating<\/code><\/li>.*<li><code>closed<\/code><\/li><\/ol>/,
    );
    expect(html).toContain(p1.digest);
    expect(html).toContain(complaintHash);
  });

  it("shows in the timeline what each invocation returned: the failing health measurement, the child refund's outcome", async () => {
    const gray = await docket(['audit', history('gray-release-rolled-back'), '--bundle', testServer().bundlePath]);
    expect(gray.code).toBe(0);
    expect(gray.stdout).toMatch(
      /activity checkHealth +engine +done in releasing\.stage\.health\.checking → \{"verdict":"unhealthy","version":"v2","weight":5,.*"reasons":\["error rate \d+\.\d% > 5\.0% \(\d+ of \d+ requests failed\)"\]\}/,
    );
    const withChild = await docket(['audit', history('complaint-with-refund'), '--bundle', testServer().bundlePath]);
    expect(withChild.stdout).toMatch(/process refund-approval +engine +done in refunding → \{"outcome":"approved"\}\n/);
  });

  it('prints JSON and Markdown', async () => {
    const json = await docket(['audit', history('refund-escalated'), '--format', 'json', '--no-replay']);
    const report = JSON.parse(json.stdout) as AuditReport;
    expect(report.deadlines[0]).toMatchObject({ name: 'approver deadline', state: 'review', status: 'missed', source: APPROVER_DELAY });
    expect(report.timeline).toContainEqual(
      expect.objectContaining({ event: 'APPROVE', actor: { id: 'sam.supervisor', roles: ['supervisor'], issuer: 'record-histories' } }),
    );
    const md = await docket(['audit', history('refund-escalated'), '--format', 'md', '--no-replay']);
    expect(md.stdout).toMatch(/^# Audit: refund-escalated\n/);
    expect(md.stdout).toContain('```mermaid\nstateDiagram-v2');
    expect(md.stdout).toMatch(
      /\| approver deadline \| review \| 3\.0s \(context\.heldBy == "finance" \? decide\.financeDeadline : decide\.levelDeadline\) \|.*\| MISSED by /,
    );
  });

  it('names a history file that does not exist', async () => {
    const missing = path.join(tmp, 'nope.json');
    expect(await docket(['audit', missing])).toMatchObject({
      code: 1,
      stderr: `docket: ${missing}: no such history file (or give a case id to fetch its history from Temporal)\n`,
    });
  });
});
