/**
 * `issueRefund`: pays an approved refund through the refund ledger, a table in the activity
 * store (`refund_ledger`, SQLite or PostgreSQL: store.ts), keyed by the refund id.
 *
 * Exactly once per refund id, not per invocation: the row is written with `INSERT OR IGNORE` /
 * `INSERT … ON CONFLICT DO NOTHING` on the refund id, so a retried attempt, a replayed workflow that runs the activity again, or a
 * second invocation from a reset case all find the first payment and return it with
 * `duplicate: true` instead of paying again. A second call that names the same refund with a
 * different amount or currency is refused (`REFUND_CONFLICT`, non-retryable): that is a bug in
 * the caller, never a reason to pay.
 *
 * @example
 *   await issueRefund({ refundId: 'C-42/refund-approval-1', caseId: 'C-42', amount: 120, currency: 'CNY', approvedBy: ['chen.lead'] });
 *   refundLedger({ caseId: 'C-42' }); // embedded store: [{ refundId: 'C-42/refund-approval-1', amount: 120, … }]
 *   await (await openStore()).refundLedger({ caseId: 'C-42' }); // either store
 *
 * Across hosts this holds with the PostgreSQL store only: the SQLite ledger is one file per host.
 */
import { ApplicationFailure } from '@temporalio/common';
import { activityKey } from './idempotency';
import { INVALID_ACTIVITY_INPUT, inputObject, optionalString, requiredString } from './input';
import { activityLogger } from './logger';
import { openStore, sqliteStore } from './store';
import type { RefundPayment } from './store-types';

export type { RefundPayment } from './store-types';

/** Error type of a second payment for the same refund id with a different amount or currency. */
export const REFUND_CONFLICT = 'REFUND_CONFLICT';
/** Currency when the input names none. */
export const DEFAULT_CURRENCY = 'CNY';

export interface IssueRefundInput {
  /** The ledger key: one payment per refund id, ever. */
  refundId: string;
  /** The customer case the refund belongs to. */
  caseId: string;
  /** A positive amount with at most two decimals. */
  amount: number;
  /** ISO 4217 code (default CNY). */
  currency?: string;
  /** Who approved it: one id or the list of approvers in order. */
  approvedBy: string | string[];
}

export interface IssueRefundResult extends RefundPayment {
  /** True when this refund had already been paid (by an earlier attempt or invocation); nothing was paid now. */
  duplicate: boolean;
}

/** The required fields, in the catalog's order, with what each is. */
const HINTS = {
  refundId: 'the refund id, the ledger key',
  caseId: 'the customer case',
  amount: 'the amount to refund',
  approvedBy: 'who approved the refund',
};

export async function issueRefund(input: IssueRefundInput): Promise<IssueRefundResult> {
  const fields = inputObject('issueRefund', input);
  // Every missing field is named before any field's type is judged.
  for (const [field, hint] of Object.entries(HINTS))
    if (fields[field] === undefined || fields[field] === null) invalid(`missing "${field}" (${hint})`);
  const refundId = requiredString('issueRefund', fields, 'refundId', HINTS.refundId);
  const caseId = requiredString('issueRefund', fields, 'caseId', HINTS.caseId);
  const amount = requiredAmount(fields);
  const currency = (optionalString('issueRefund', fields, 'currency') ?? DEFAULT_CURRENCY).toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) invalid(`"currency" must be an ISO 4217 code such as "CNY", got ${JSON.stringify(currency)}`);
  const approvedBy = approvers(fields);

  const key = activityKey();
  const log = activityLogger(key);
  const store = await openStore();
  const { paid, payment } = await store.payRefund({
    refundId,
    caseId,
    amount,
    currency,
    approvedBy,
    paidAt: new Date().toISOString(),
    key,
  });

  if (!paid && (payment.amount !== amount || payment.currency !== currency)) {
    log.error('issueRefund: refund already paid with a different amount; refusing to pay again', {
      refundId,
      paid: payment,
      asked: { amount, currency },
    });
    throw ApplicationFailure.nonRetryable(
      `issueRefund: refund ${refundId} was already paid as ${payment.amount} ${payment.currency} on ${payment.paidAt}; ` +
        `refusing a second payment of ${amount} ${currency}`,
      REFUND_CONFLICT,
    );
  }
  if (paid) log.info('issueRefund: refund paid', { refundId, caseId, amount, currency, approvedBy });
  else log.info('issueRefund: refund already paid; not paying again', { refundId, paidAt: payment.paidAt, paidBy: payment.key });
  return { ...payment, duplicate: !paid };
}

/** Ledger entries of the embedded SQLite store in the order they were paid, optionally for one case or one refund. */
export function refundLedger(filter: { caseId?: string; refundId?: string } = {}): RefundPayment[] {
  return sqliteStore().refundLedgerNow(filter);
}

function invalid(message: string): never {
  throw ApplicationFailure.nonRetryable(`issueRefund: ${message}; set it in the invoke's with: map`, INVALID_ACTIVITY_INPUT);
}

function requiredAmount(fields: Record<string, unknown>): number {
  const value = fields.amount;
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(`"amount" must be a number, got ${JSON.stringify(value)}`);
  if (value <= 0) invalid(`"amount" must be more than 0, got ${value}`);
  if (Math.round(value * 100) / 100 !== value) invalid(`"amount" has more than two decimals: ${value}`);
  return value;
}

function approvers(fields: Record<string, unknown>): string {
  const value = fields.approvedBy;
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (!list || list.length === 0 || !list.every((v) => typeof v === 'string' && v.trim() !== '')) {
    invalid(`"approvedBy" must be an approver id or a non-empty list of them, got ${JSON.stringify(value)}`);
  }
  return (list as string[]).join(',');
}
