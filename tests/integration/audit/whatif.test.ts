/**
 * What-if over the record: the recorded events of past cases re-run offline through an edited
 * definition. Unchanged, nothing differs; a changed priority or approval threshold shows exactly
 * the cases that would have gone another way.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { whatIf } from '../../../audit';
import { loadDefinitionFile } from '../../../dsl/load';
import type { ProcessDefinition } from '../../../dsl/types';
import { docket, HISTORIES, RECORDED_DEFINITIONS } from './support';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'docket-whatif-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The definition the recorded cases ran, with one text edit, written to a file. */
function edited(name: string, from: string, to: string): string {
  const text = readFileSync(path.join(RECORDED_DEFINITIONS, `${name}.yaml`), 'utf8');
  expect(text).toContain(from);
  const file = path.join(tmp, `${name}-edited.yaml`);
  writeFileSync(file, text.replace(from, to));
  return file;
}

async function load(file: string): Promise<ProcessDefinition> {
  const { definition, diagnostics } = await loadDefinitionFile(file);
  expect(diagnostics).toEqual([]);
  return definition!;
}

it('reports no difference for the definition the cases ran, and reproduces each recorded timeline', async () => {
  for (const name of ['complaint', 'refund-approval', 'gray-release']) {
    const report = await whatIf(await load(path.join(RECORDED_DEFINITIONS, `${name}.yaml`)), HISTORIES);
    expect(report.summary.compared).toBeGreaterThanOrEqual(2);
    expect(report.summary).toMatchObject({ changed: 0, endsDifferently: 0 });
    // A history whose result carries the timeline (recorded before the result dropped it) must match
    // it; a newer one (the complaints re-recorded for monitor version 2) has only timelineTotal, so
    // baselineMatchesRecord is undefined there and the comparison above (changed: 0) is the check.
    for (const c of report.cases.filter((x) => !x.skipped)) expect(c.baselineMatchesRecord).not.toBe(false);
    if (name !== 'complaint') expect(report.cases.filter((c) => c.baselineMatchesRecord === true).length).toBeGreaterThanOrEqual(2);
  }
});

it('shows that with "partial" impact as P2 the P1 case would skip the supervisor alert and the escalation', async () => {
  const file = edited('complaint', 'input.impact in ["severe", "partial"]', 'input.impact in ["severe"]');
  const report = await whatIf(await load(file), HISTORIES);
  expect(report.summary).toMatchObject({ compared: 7, changed: 1, endsDifferently: 0 });
  const p1 = report.cases.find((c) => c.changed)!;
  expect(p1.workflowId).toBe('complaint-p1-escalation');
  expect(p1.divergence).toEqual({ step: 0, recorded: 'invoke.done → alert_supervisor', edited: 'invoke.done → awaiting_response' });
  expect(p1.recorded!.steps).toContain('after:response deadline → escalating');
  expect(p1.edited!.steps).not.toContain('after:response deadline → escalating');
  expect(p1.edited!.outcome).toBe('closed');
  expect(report.cases.filter((c) => c.skipped).map((c) => c.skipped)).toContain('a refund-approval case, not complaint');

  const run = await docket(['whatif', file, HISTORIES]);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(
    /complaint-p1-escalation +ANOTHER PATH from step 1: recorded "invoke\.done → alert_supervisor", now "invoke\.done → awaiting_response"; ends the same \(outcome closed\)/,
  );
  expect(run.stdout).toMatch(/complaint-p0 +same path, same end \(outcome closed\)/);
  expect(run.stdout).toMatch(/7 compared: 1 would go another way \(0 would end differently\), 6 unchanged; \d+ skipped\n$/);
});

it('shows that with the lead threshold raised to 2000 the 1500 refund would have waited for a lead instead of the supervisor', async () => {
  const file = edited('refund-approval', 'input.amount <= 1000', 'input.amount <= 2000');
  const report = await whatIf(await load(file), HISTORIES);
  const changed = report.cases.filter((c) => c.changed);
  expect(changed.map((c) => c.workflowId)).toEqual(['refund-supervisor-finance']);
  const [refund] = changed;
  expect(refund.endsDifferently).toBe(true);
  expect(refund.recorded).toMatchObject({ status: 'completed', outcome: 'approved' });
  expect(refund.edited).toMatchObject({ status: 'running', state: ['review.lead'] });
  expect(refund.edited!.rejected.map((r) => [r.event, r.actor?.id, r.code])).toEqual([
    ['APPROVE', 'sam.supervisor', 'ROLE_NOT_ALLOWED'],
    ['APPROVE', 'fay.finance', 'ROLE_NOT_ALLOWED'],
  ]);

  const run = await docket(['whatif', file, HISTORIES]);
  expect(run.stdout).toMatch(
    /refund-supervisor-finance +ANOTHER PATH from step 1: .*ENDS DIFFERENTLY: outcome approved → running in review\.lead; 2 recorded events would be refused \(APPROVE: ROLE_NOT_ALLOWED, APPROVE: ROLE_NOT_ALLOWED\)/,
  );
});

it('refuses an invalid edited definition with its diagnostics', async () => {
  const file = edited('complaint', 'target: escalating', 'target: escalatin');
  const run = await docket(['whatif', file, HISTORIES]);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/escalatin/);
});

it('lists the compensations a withdrawn claim runs, newest first, and shows a case that would no longer undo them', async () => {
  const same = await whatIf(await load(path.join(RECORDED_DEFINITIONS, 'warranty-claim.yaml')), HISTORIES);
  const withdrawn = same.cases.find((c) => c.workflowId === 'warranty-claim-withdrawn')!;
  expect(withdrawn.changed).toBe(false);
  expect(withdrawn.recorded!.compensations).toEqual([
    'notify (for notify in fulfilling.announcing)',
    'transferCase (for transferCase in assessing.inspection.collecting)',
  ]);
  expect(same.cases.find((c) => c.workflowId === 'warranty-claim-replaced')!.recorded!.compensations).toEqual([]);

  // Without `compensate: true` on withdrawn, the withdrawal would leave the booking and the notice standing.
  const file = edited('warranty-claim', '    outcome: withdrawn\n    compensate: true', '    outcome: withdrawn');
  const report = await whatIf(await load(file), HISTORIES);
  const changed = report.cases.filter((c) => c.changed);
  expect(changed.map((c) => c.workflowId)).toEqual(['warranty-claim-withdrawn']);
  expect(changed[0]).toMatchObject({ endsDifferently: true, divergence: undefined });
  expect(changed[0].edited).toMatchObject({ status: 'completed', outcome: 'withdrawn', compensations: [] });

  const run = await docket(['whatif', file, HISTORIES]);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(
    /warranty-claim-withdrawn +ENDS DIFFERENTLY: outcome withdrawn, compensated by notify \(for notify in fulfilling\.announcing\), transferCase \(for transferCase in assessing\.inspection\.collecting\) → outcome withdrawn\n/,
  );
});

it('re-runs decision tables with a hit policy as the workflow ran the same rules: refund routing as a unique table changes nothing', async () => {
  const unique = [
    '  route:',
    '    hit: unique',
    '    rules:',
    '      - when: input.amount <= 1000',
    '        then: [lead]',
    '      - when: input.amount > 1000',
    '        then: [supervisor, finance]',
  ].join('\n');
  const file = edited(
    'refund-approval',
    '  route:\n    - when: input.amount <= 1000\n      then:\n        - lead\n    - then:\n        - supervisor\n        - finance',
    unique,
  );
  const report = await whatIf(await load(file), HISTORIES);
  expect(report.summary.compared).toBeGreaterThanOrEqual(2);
  expect(report.summary).toMatchObject({ changed: 0, endsDifferently: 0 });

  // Moving the threshold in the same table does change the case at the threshold's side.
  const moved = edited(
    'refund-approval',
    '  route:\n    - when: input.amount <= 1000\n      then:\n        - lead\n    - then:\n        - supervisor\n        - finance',
    unique.replaceAll('1000', '100000'),
  );
  expect((await whatIf(await load(moved), HISTORIES)).summary.changed).toBeGreaterThanOrEqual(1);
});
