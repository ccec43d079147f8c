import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { RecordFollowUpResult } from '../../../activities';
import { assignOwner, transferCase, recordFollowUp, currentOwner, getStore, closeStore } from '../../../activities';

const silent: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
function activityEnv(workflowId: string, activityId: string, attempt = 1): MockActivityEnvironment {
  return new MockActivityEnvironment({ workflowExecution: { workflowId, runId: 'run-1' }, activityId, attempt }, { logger: silent });
}
function count(table: string, caseId: string): number {
  return (getStore().prepare(`SELECT count(*) AS n FROM ${table} WHERE case_id = ?`).get(caseId) as { n: number }).n;
}

let dataDir: string;
beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-registry-'));
  process.env.DOCKET_DATA_DIR = dataDir;
});
afterAll(() => {
  closeStore();
  fs.rmSync(dataDir, { recursive: true, force: true });
  delete process.env.DOCKET_DATA_DIR;
});

describe('assignOwner', () => {
  it('records the owner once per invocation and keeps the ownership history', async () => {
    expect(currentOwner('C-1')).toBeUndefined();
    await expect(activityEnv('wf-1', '1').run(assignOwner, { caseId: 'C-1', owner: 'ana', role: 'agent' })).resolves.toEqual({
      owner: 'ana',
    });
    await expect(activityEnv('wf-1', '1', 2).run(assignOwner, { caseId: 'C-1', owner: 'ana', role: 'agent' })).resolves.toEqual({
      owner: 'ana',
    });
    expect(count('case_owners', 'C-1')).toBe(1);
    expect(currentOwner('C-1')).toMatchObject({ owner: 'ana', role: 'agent' });

    // A later activity in the same case hands it to the supervisor.
    await activityEnv('wf-1', '5').run(assignOwner, { caseId: 'C-1', owner: 'sam' });
    expect(count('case_owners', 'C-1')).toBe(2);
    expect(currentOwner('C-1')).toMatchObject({ owner: 'sam', role: null });
  });

  it('writes the database file under DOCKET_DATA_DIR', () => {
    expect(fs.existsSync(path.join(dataDir, 'docket.db'))).toBe(true);
    expect(getStore().pragma('journal_mode', { simple: true })).toBe('wal');
  });
});

describe('transferCase', () => {
  it('records the hand-over once per invocation', async () => {
    const input = { caseId: 'C-2', department: 'billing', contact: 'Priya', need: 'refund the double charge' };
    await expect(activityEnv('wf-2', '2').run(transferCase, input)).resolves.toEqual({ department: 'billing', contact: 'Priya' });
    await expect(activityEnv('wf-2', '2', 2).run(transferCase, input)).resolves.toEqual({ department: 'billing', contact: 'Priya' });
    expect(getStore().prepare('SELECT key, need FROM transfers WHERE case_id = ?').all('C-2')).toEqual([
      { key: 'wf-2:run-1:2', need: 'refund the double charge' },
    ]);
  });

  it('names the missing contact', async () => {
    await expect(activityEnv('wf-2', '3').run(transferCase, { caseId: 'C-2', department: 'billing' } as never)).rejects.toThrow(
      'transferCase: missing "contact" (the named contact in that department); set it in the invoke\'s with: map',
    );
  });
});

describe('recordFollowUp', () => {
  it("stores the result once and returns the first attempt's time on a retry", async () => {
    const input = { caseId: 'C-3', kind: 'satisfaction-7d', result: { score: 4, comment: 'quick' } };
    const first = (await activityEnv('wf-3', '7').run(recordFollowUp, input)) as RecordFollowUpResult;
    const retry = await activityEnv('wf-3', '7', 2).run(recordFollowUp, input);

    expect(first.kind).toBe('satisfaction-7d');
    expect(retry).toEqual(first);
    const rows = getStore().prepare('SELECT result FROM follow_ups WHERE case_id = ?').all('C-3') as { result: string }[];
    expect(rows.map((r) => JSON.parse(r.result))).toEqual([{ score: 4, comment: 'quick' }]);
  });
});
