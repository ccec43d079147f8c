import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure, type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  closeStore,
  getStore,
  INVALID_ACTIVITY_INPUT,
  issueRefund,
  REFUND_CONFLICT,
  refundLedger,
  type IssueRefundResult,
} from '../../../activities';

const silent: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
/** Attempt `attempt` of activity `activityId` in run `runId` of workflow `workflowId`. */
function activityEnv(workflowId: string, activityId: string, attempt = 1, runId = 'run-1'): MockActivityEnvironment {
  return new MockActivityEnvironment(
    { workflowExecution: { workflowId, runId }, activityId, attempt, activityType: 'issueRefund' },
    { logger: silent },
  );
}

async function failureOf(running: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await running.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (error instanceof ApplicationFailure) return error;
  throw new Error(`expected an ApplicationFailure, got ${String(error)}`);
}

let dataDir: string;
beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-refunds-'));
  process.env.DOCKET_DATA_DIR = dataDir;
});
afterAll(() => {
  closeStore();
  fs.rmSync(dataDir, { recursive: true, force: true });
  delete process.env.DOCKET_DATA_DIR;
});

const refund = { refundId: 'R-1', caseId: 'C-1', amount: 120.5, currency: 'CNY', approvedBy: ['chen.lead'] };

describe('issueRefund', () => {
  it('pays once and writes one ledger row in the activity store', async () => {
    const paid = (await activityEnv('C-1/refund-approval-1', '7').run(issueRefund, refund)) as IssueRefundResult;
    expect(paid).toMatchObject({
      refundId: 'R-1',
      caseId: 'C-1',
      amount: 120.5,
      currency: 'CNY',
      approvedBy: 'chen.lead',
      duplicate: false,
    });
    expect(paid.key).toBe('C-1/refund-approval-1:run-1:7');
    const rows = getStore().prepare('SELECT refund_id, case_id, amount, currency, approved_by, key FROM refund_ledger').all();
    expect(rows).toEqual([
      { refund_id: 'R-1', case_id: 'C-1', amount: 120.5, currency: 'CNY', approved_by: 'chen.lead', key: 'C-1/refund-approval-1:run-1:7' },
    ]);
  });

  it('returns the first payment with duplicate: true when the same attempt is retried', async () => {
    const first = refundLedger({ refundId: 'R-1' })[0];
    const retried = await activityEnv('C-1/refund-approval-1', '7', 2).run(issueRefund, refund);
    expect(retried).toEqual({ ...first, duplicate: true });
    expect(refundLedger({ refundId: 'R-1' })).toHaveLength(1);
  });

  it('never pays the same refund id twice, even from another run or invocation (replay, reset)', async () => {
    const again = await activityEnv('C-1/refund-approval-1', '3', 1, 'run-2').run(issueRefund, { ...refund, approvedBy: 'someone.else' });
    expect(again).toMatchObject({ duplicate: true, approvedBy: 'chen.lead', key: 'C-1/refund-approval-1:run-1:7' });
    expect(refundLedger({ caseId: 'C-1' })).toHaveLength(1);
  });

  it('refuses a second payment of the same refund id with a different amount', async () => {
    const failure = await failureOf(activityEnv('C-1/refund-approval-1', '9').run(issueRefund, { ...refund, amount: 999 }));
    expect(failure.type).toBe(REFUND_CONFLICT);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/refund R-1 was already paid as 120.5 CNY .* refusing a second payment of 999 CNY/);
    expect(refundLedger({ refundId: 'R-1' })).toEqual([expect.objectContaining({ amount: 120.5 })]);
  });

  it('pays different refund ids of one case separately, with CNY by default and approvers in order', async () => {
    await activityEnv('C-2/refund-approval-1', '1').run(issueRefund, {
      refundId: 'R-2a',
      caseId: 'C-2',
      amount: 1500,
      approvedBy: ['sam.sup', 'fay.fin'],
    });
    await activityEnv('C-2/refund-approval-2', '1').run(issueRefund, {
      refundId: 'R-2b',
      caseId: 'C-2',
      amount: 20,
      approvedBy: 'chen.lead',
    });
    expect(refundLedger({ caseId: 'C-2' }).map((p) => [p.refundId, p.amount, p.currency, p.approvedBy])).toEqual([
      ['R-2a', 1500, 'CNY', 'sam.sup,fay.fin'],
      ['R-2b', 20, 'CNY', 'chen.lead'],
    ]);
  });

  it.each([
    [{ ...refund, refundId: 'R-x', amount: -5 }, /"amount" must be more than 0, got -5/],
    [{ ...refund, refundId: 'R-x', amount: '120' }, /"amount" must be a number, got "120"/],
    [{ ...refund, refundId: 'R-x', amount: 1.005 }, /more than two decimals/],
    [{ ...refund, refundId: 'R-x', currency: 'yuan' }, /ISO 4217/],
    [{ ...refund, refundId: 'R-x', approvedBy: [] }, /"approvedBy" must be an approver id or a non-empty list/],
    [{ caseId: 'C-1', amount: 5, approvedBy: 'a' }, /missing "refundId"/],
  ])('rejects a bad input as a non-retryable input error and pays nothing (%#)', async (input, message) => {
    const failure = await failureOf(activityEnv('C-9', '1').run(issueRefund, input as never));
    expect(failure.type).toBe(INVALID_ACTIVITY_INPUT);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(message);
    expect(refundLedger({ refundId: 'R-x' })).toEqual([]);
  });
});
