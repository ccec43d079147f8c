/**
 * Definition versions on a real Temporal server, through the `docket` command line: a running case
 * keeps the definition it started with (resolved and pinned in its first step), a case started after
 * the edited YAML was deployed takes the edited one, `docket definitions` lists the versions with
 * their deployer, `docket rollback` makes the first one current again, `docket state` and `docket list` show each case's definition
 * hash, and `docket list --hash` tells the two versions apart.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CaseSummary } from '../../client/list-query';
import type { ProcessResult, StateView } from '../../contract/wire';
import { definitionHash } from '../../dsl/hash';
import { loadDefinitionFile } from '../../dsl/load';
import { startHarness, type Harness } from '../support/harness';
import { docket as run, type Run } from './audit/support';

let h: Harness;
let tmp: string;
beforeAll(async () => {
  h = await startHarness();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'docket-versions-'));
});
afterAll(async () => {
  await h?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** `docket …` against the test server and this file's task queue; fails the test on a non-zero exit. */
async function docket(...args: string[]): Promise<string> {
  const r: Run = await run(args, {
    TEMPORAL_ADDRESS: h.address,
    TEMPORAL_NAMESPACE: h.namespace,
    DOCKET_TASK_QUEUE: h.taskQueue,
    DOCKET_DEPLOYER: 'ops.anna',
  });
  if (r.code !== 0) throw new Error(`docket ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}
const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await docket(...args, '--json')) as T;

/** Polls `docket list … --json` until `ok` holds (visibility is eventually consistent). */
async function listUntil(args: string[], ok: (cases: CaseSummary[]) => boolean, what: string): Promise<CaseSummary[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { cases } = await json<{ cases: CaseSummary[] }>('list', ...args);
    if (ok(cases)) return cases;
    if (Date.now() > deadline)
      throw new Error(`docket list ${args.join(' ')}: never ${what}; got ${JSON.stringify(cases.map((c) => [c.id, c.definitionHash]))}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Version 1: SUBMIT → review (deadline 1h, decision `reviewDeadline`) → APPROVE → approved. */
const version1 = (processId: string) => `process: ${processId}
title: Definition versions probe
roles: [agent, lead]
decisions:
  reviewDeadline:
    - then: 1h
events:
  SUBMIT: { by: [agent] }
  APPROVE: { by: [lead] }
initial: drafting
states:
  drafting:
    on:
      SUBMIT: review
  review:
    on:
      APPROVE: approved
    after:
      - name: review deadline
        delay: decide.reviewDeadline
        target: expired
  approved:
    type: final
    outcome: approved
  expired:
    type: final
    outcome: expired
`;

/** Version 2, the same file edited: \`review\` is now \`second_look\` with a 3h deadline, ending in \`signed_off\`. */
function edit(v1: string): string {
  const v2 = v1
    .replace('    - then: 1h', '    - then: 3h')
    .replace('SUBMIT: review', 'SUBMIT: second_look')
    .replace('  review:\n', '  second_look:\n')
    .replace('name: review deadline', 'name: second look deadline')
    .replace('APPROVE: approved', 'APPROVE: signed_off')
    .replace('  approved:\n    type: final\n    outcome: approved', '  signed_off:\n    type: final\n    outcome: signed_off');
  expect(v2).not.toMatch(/\breview\b|\bapproved\b|1h/);
  return v2;
}

async function hashOf(file: string): Promise<string> {
  const { definition, diagnostics } = await loadDefinitionFile(file);
  expect(diagnostics).toEqual([]);
  return definitionHash(definition!);
}

const HOUR = 3_600_000;
/** How far ahead a deadline is due. */
const dueIn = (view: StateView) => Date.parse(view.deadlines[0].due) - Date.now();

it('keeps a running case on the definition it started with, starts new cases on the edited YAML, and shows and filters by the hash', async () => {
  const processId = h.caseId('versions-probe');
  const file = path.join(tmp, 'versions-probe.yaml');
  const idA = h.caseId('version-a');
  const idB = h.caseId('version-b');

  // Case A on version 1, waiting in `review`.
  writeFileSync(file, version1(processId));
  const h1 = await hashOf(file);
  const startedA = await json<{ definitionHash: string; existing: boolean }>('start', file, '--id', idA);
  expect(startedA).toMatchObject({ definitionHash: h1, existing: false });
  await docket('send', idA, 'SUBMIT', '--as', 'agent:alice');
  const a1 = await json<StateView>('state', idA);
  expect(a1).toMatchObject({ definitionHash: h1, state: ['review'], status: 'running' });
  expect(a1.deadlines).toEqual([expect.objectContaining({ name: 'review deadline', state: 'review' })]);
  expect(dueIn(a1)).toBeGreaterThan(0.9 * HOUR);
  expect(dueIn(a1)).toBeLessThanOrEqual(HOUR);

  // The file is edited: the state A is in no longer exists, and the decision changed.
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  const h2 = await hashOf(file);
  expect(h2).not.toBe(h1);
  expect(h2.slice(0, 8)).not.toBe(h1.slice(0, 8));

  // Case B takes the edited file.
  const startedB = await json<{ definitionHash: string }>('start', file, '--id', idB);
  expect(startedB.definitionHash).toBe(h2);
  await docket('send', idB, 'SUBMIT', '--as', 'agent:bob');
  const b1 = await json<StateView>('state', idB);
  expect(b1).toMatchObject({ definitionHash: h2, state: ['second_look'], status: 'running' });
  expect(b1.deadlines).toEqual([expect.objectContaining({ name: 'second look deadline', state: 'second_look' })]);
  expect(dueIn(b1)).toBeGreaterThan(2.9 * HOUR);

  // A is untouched by the edit: still in `review`, still on H1 with its 1h deadline.
  const a2 = await json<StateView>('state', idA);
  expect(a2).toMatchObject({ definitionHash: h1, state: ['review'] });
  expect(a2.deadlines[0].due).toBe(a1.deadlines[0].due);

  // `docket state` text shows each case's 8-character hash (header and the `started` timeline line).
  const textA = await docket('state', idA);
  expect(textA).toContain(`(definition v1 ${h1.slice(0, 8)})`);
  expect(textA).toMatch(new RegExp(`started +→ drafting +\\(${processId} ${h1.slice(0, 8)}\\)`));
  expect(textA).not.toContain(h2.slice(0, 8));
  const textB = await docket('state', idB);
  expect(textB).toContain(`(definition v2 ${h2.slice(0, 8)})`);
  expect(textB).not.toContain(h1.slice(0, 8));

  // `docket list`: both cases indexed with their hashes first, so the filters below are not vacuous.
  const both = await listUntil(
    ['--process', processId],
    (cases) => cases.some((c) => c.id === idA && c.definitionHash === h1) && cases.some((c) => c.id === idB && c.definitionHash === h2),
    'showed both cases with their hashes',
  );
  expect(both.map((c) => c.id).sort()).toEqual([idA, idB].sort());
  const table = await docket('list', '--process', processId);
  expect(table.split('\n')[0]).toMatch(/^ID +STATUS +PROCESS +DEFINITION +STATE/);
  expect(table).toMatch(new RegExp(`^${idA} +running +${processId} +${h1.slice(0, 8)} +review `, 'm'));
  expect(table).toMatch(new RegExp(`^${idB} +running +${processId} +${h2.slice(0, 8)} +second_look `, 'm'));

  // `docket list --hash <prefix>` lists the cases on that version only.
  const onH1 = await json<{ query: string; cases: CaseSummary[] }>('list', '--hash', h1.slice(0, 8));
  expect(onH1.query).toContain(`DocketDefinitionHash STARTS_WITH '${h1.slice(0, 8)}'`);
  expect(onH1.cases.map((c) => c.id)).toEqual([idA]);
  const onH2 = await json<{ cases: CaseSummary[] }>('list', '--hash', h2.slice(0, 8));
  expect(onH2.cases.map((c) => c.id)).toEqual([idB]);
  const fullH1 = await json<{ cases: CaseSummary[] }>('list', '--hash', h1);
  expect(fullH1.cases.map((c) => c.id)).toEqual([idA]);
  const textH1 = await docket('list', '--hash', h1.slice(0, 8));
  expect(textH1).toMatch(new RegExp(`^${idA} .* ${h1.slice(0, 8)} `, 'm'));
  expect(textH1).not.toContain(idB);

  // A finishes under its own version: APPROVE from `review` to `approved`, states the edited file no longer has.
  const sent = await docket('send', idA, 'APPROVE', '--as', 'lead:lena');
  expect(sent).toContain(`APPROVE accepted; case ${idA}`);
  const resultA = await json<ProcessResult>('result', idA);
  expect(resultA).toMatchObject({ outcome: 'approved', state: ['approved'], definitionHash: h1 });
  expect(resultA.timeline).toContainEqual(
    expect.objectContaining({ kind: 'transition', event: 'APPROVE', from: ['review'], to: ['approved'] }),
  );

  // B finishes under the edited version.
  await docket('send', idB, 'APPROVE', '--as', 'lead:lena');
  const resultB = await json<ProcessResult>('result', idB);
  expect(resultB).toMatchObject({ outcome: 'signed_off', state: ['signed_off'], definitionHash: h2 });

  // Closed cases keep their hash in visibility, with their outcome.
  const closed = await listUntil(
    ['--hash', h1.slice(0, 8), '--closed'],
    (cases) => cases.some((c) => c.id === idA && c.outcome === 'approved'),
    'showed case A closed',
  );
  expect(closed.map((c) => c.id)).toEqual([idA]);

  // `docket definitions` lists both versions with deployer and time, v2 current.
  const listed = await json<
    Array<{ process: string; current: number; versions: Array<{ version: number; hash: string; deployedBy: string; deployedAt: string }> }>
  >('definitions', processId);
  expect(listed).toEqual([expect.objectContaining({ process: processId, current: 2 })]);
  expect(listed[0].versions.map((v) => [v.version, v.hash, v.deployedBy])).toEqual([
    [1, h1, 'ops.anna'],
    [2, h2, 'ops.anna'],
  ]);
  const text = await docket('definitions', processId);
  expect(text).toMatch(new RegExp(`^\\* +${processId} +v2 +${h2.slice(0, 8)} +ops\\.anna `, 'm'));

  // `docket rollback` makes v1 current again: a case started by name now runs v1, and the log says who.
  expect(await docket('rollback', processId, '1', '--by', 'ops.ben')).toContain(`${processId} v1 (${h1.slice(0, 8)}`);
  const idC = h.caseId('version-c');
  const startedC = await json<{ definitionHash: string; definitionVersion: number }>('start', processId, '--id', idC);
  expect(startedC).toMatchObject({ definitionHash: h1, definitionVersion: 1 });
  expect(await docket('definitions', processId)).toMatch(/rollbacks:\n +.* v1 made current by ops\.ben/);
  // `--version 2` still starts the newer one by number.
  const idD = h.caseId('version-d');
  expect(await json<{ definitionHash: string }>('start', processId, '--id', idD, '--version', '2')).toMatchObject({ definitionHash: h2 });
});
