/**
 * A history written by the `temporal` CLI (`temporal workflow show --output json`) of a case run
 * on the real test server is accepted by replay and audit, and has the same digest as the one
 * `docket history` exports.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { historyDigest, readHistoryFile, replayHistories, type AuditReport } from '../../../audit';
import { loadDefinitionFile } from '../../../dsl/load';
import { findTemporalCli } from '../../../devserver/temporal-cli';
import { startHarness, type Harness } from '../../support/harness';
import { testServer } from '../../support/server';
import { docket, RECORDED_DEFINITIONS } from './support';

let h: Harness;
let tmp: string;
let id: string;
let ours: string;
let theirs: string;

beforeAll(async () => {
  h = await startHarness();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'docket-temporal-cli-'));
  const { definition } = await loadDefinitionFile(path.join(RECORDED_DEFINITIONS, 'refund-approval.yaml'));
  id = h.caseId('audit-refund');
  await h.docket.start({
    definition: definition!,
    id,
    input: { caseId: 'C-7', amount: 250, requestedBy: 'alice', reason: 'late delivery' },
  });
  await h.docket.send(id, { type: 'APPROVE', actor: { id: 'chen.lead', roles: ['lead'] }, data: { note: 'ok' } });
  await h.docket.result(id);

  ours = path.join(tmp, 'docket-history.json');
  writeFileSync(ours, await h.docket.history(id));
  theirs = path.join(tmp, 'temporal-show.json');
  const cli = await findTemporalCli();
  const { stdout } = await promisify(execFile)(
    cli,
    ['workflow', 'show', '--output', 'json', '-w', id, '--address', h.address, '--namespace', h.namespace],
    { maxBuffer: 32 * 1024 * 1024 },
  );
  writeFileSync(theirs, stdout);
});
afterAll(async () => {
  await h?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

it('gives the history from `temporal workflow show --output json` the digest of the one `docket history` exported', async () => {
  const a = await readHistoryFile(ours);
  const b = await readHistoryFile(theirs);
  expect(b.workflowId).toBe(id);
  expect(b.history.events).toHaveLength(a.history.events!.length);
  expect(historyDigest(b.history)).toBe(historyDigest(a.history));
});

it('replays both files with the current workflow code', async () => {
  const results = await replayHistories([ours, theirs], { workflowBundle: { codePath: testServer().bundlePath }, quiet: true });
  expect(results.map((r) => [r.workflowId, r.ok])).toEqual([
    [id, true],
    [id, true],
  ]);
  expect(results[1].timeline).toEqual(results[0].timeline);
});

it('audits the temporal CLI file, and `docket audit verify` accepts it with the digest of our export', async () => {
  const run = await docket(['audit', theirs, '--format', 'json', '--bundle', testServer().bundlePath]);
  expect(run.code).toBe(0);
  const report = JSON.parse(run.stdout) as AuditReport;
  expect(report.digest).toBe(historyDigest((await readHistoryFile(ours)).history));
  expect(report.replay).toMatchObject({ performed: true, ok: true });
  expect(report.case).toMatchObject({ workflowId: id, process: 'refund-approval', status: 'completed', outcome: 'approved' });
  expect(report.timeline).toContainEqual(
    expect.objectContaining({ kind: 'transition', event: 'APPROVE', actor: { id: 'chen.lead', roles: ['lead'], issuer: 'docket-test' } }),
  );

  const verify = await docket(['audit', 'verify', theirs, report.digest]);
  expect(verify.code).toBe(0);
});

it('audits a case by id, fetching its history from Temporal', async () => {
  const run = await docket(['audit', id, '--no-replay'], { TEMPORAL_ADDRESS: h.address, TEMPORAL_NAMESPACE: h.namespace });
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(new RegExp(`^case +${id} \\(run `));
  expect(run.stdout).toContain(`digest      ${historyDigest((await readHistoryFile(ours)).history)}`);
  expect(run.stdout).toContain('replay      not performed (--no-replay)');
});
