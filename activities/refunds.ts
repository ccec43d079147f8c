/**
 * `issueRefund`: pays an approved refund through the refund ledger, a table in the activities'
 * SQLite store (`refund_ledger`), keyed by the refund id.
 *
 * Exactly once per refund id, not per invocation: the row is written with `INSERT OR IGNORE`
 * on the refund id, so a retried attempt, a replayed workflow that runs the activity again, or a
 * second invocation from a reset case all find the first payment and return it with
 * `duplicate: true` instead of paying again. A second call that names the same refund with a
 * different amount or currency is refused (`REFUND_CONFLICT`, non-retryable): that is a bug in
 * the caller, never a reason to pay.
 *
 * @example
 *   await issueRefund({ refundId: 'C-42/refund-approval-1', caseId: 'C-42', amount: 120, currency: 'CNY', approvedBy: ['chen.lead'] });
 *   refundLedger({ caseId: 'C-42' }); // [{ refundId: 'C-42/refund-approval-1', amount: 120, … }]
 */
import { ApplicationFailure } from '@temporalio/common';
import { activityKey } from './idempotency';
import { INVALID_ACTIVITY_INPUT, inputObject, optionalString, requiredString } from './input';
import { activityLogger } from './logger';
import { getStore, type Store } from './store';

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

/** One payment in the ledger. */
export interface RefundPayment {
  refundId: string;
  caseId: string;
  amount: number;
  currency: string;
  /** Approvers, comma-separated, in the order they approved. */
  approvedBy: string;
  paidAt: string;
  /** Idempotency key of the invocation that paid. */
  key: string;
}

export interface IssueRefundResult extends RefundPayment {
  /** True when this refund had already been paid (by an earlier attempt or invocation); nothing was paid now. */
  duplicate: boolean;
}

const LEDGER = `
CREATE TABLE IF NOT EXISTS refund_ledger (
  refund_id   TEXT PRIMARY KEY,
  case_id     TEXT NOT NULL,
  amount      REAL NOT NULL,
  currency    TEXT NOT NULL,
  approved_by TEXT NOT NULL,
  paid_at     TEXT NOT NULL,
  key         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS refund_ledger_case ON refund_ledger (case_id);
`;

/** The required fields, in the catalog's order, with what each is. */
const HINTS = {
  refundId: 'the refund id, the ledger key',
  caseId: 'the customer case',
  amount: 'the amount to refund',
  approvedBy: 'who approved the refund',
};

const prepared = new WeakSet<Store>();

/** The store with the ledger table created (once per connection). */
function ledgerStore(): Store {
  const db = getStore();
  if (!prepared.has(db)) {
    db.exec(LEDGER);
    prepared.add(db);
  }
  return db;
}

interface LedgerRow {
  refund_id: string;
  case_id: string;
  amount: number;
  currency: string;
  approved_by: string;
  paid_at: string;
  key: string;
}

const toPayment = (r: LedgerRow): RefundPayment => ({
  refundId: r.refund_id,
  caseId: r.case_id,
  amount: r.amount,
  currency: r.currency,
  approvedBy: r.approved_by,
  paidAt: r.paid_at,
  key: r.key,
});

export async function issueRefund(input: IssueRefundInput): Promise<IssueRefundResult> {
  const fields = inputObject('issueRefund', input);
  // Every missing field is named before any field's type is judged.
  for (const [field, hint] of Object.entries(HINTS)) if (fields[field] === undefined || fields[field] === null) invalid(`missing "${field}" (${hint})`);
  const refundId = requiredString('issueRefund', fields, 'refundId', HINTS.refundId);
  const caseId = requiredString('issueRefund', fields, 'caseId', HINTS.caseId);
  const amount = requiredAmount(fields);
  const currency = (optionalString('issueRefund', fields, 'currency') ?? DEFAULT_CURRENCY).toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) invalid(`"currency" must be an ISO 4217 code such as "CNY", got ${JSON.stringify(currency)}`);
  const approvedBy = approvers(fields);

  const key = activityKey();
  const log = activityLogger(key);
  const db = ledgerStore();
  const paid =
    db
      .prepare(
        'INSERT OR IGNORE INTO refund_ledger (refund_id, case_id, amount, currency, approved_by, paid_at, key) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(refundId, caseId, amount, currency, approvedBy, new Date().toISOString(), key).changes === 1;
  const row = db.prepare('SELECT * FROM refund_ledger WHERE refund_id = ?').get(refundId) as LedgerRow;
  const payment = toPayment(row);

  if (!paid && (payment.amount !== amount || payment.currency !== currency)) {
    log.error('issueRefund: refund already paid with a different amount; refusing to pay again', { refundId, paid: payment, asked: { amount, currency } });
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

/** Ledger entries in the order they were paid, optionally for one case or one refund. */
export function refundLedger(filter: { caseId?: string; refundId?: string } = {}): RefundPayment[] {
  const db = ledgerStore();
  const rows = (
    filter.refundId !== undefined
      ? db.prepare('SELECT * FROM refund_ledger WHERE refund_id = ? ORDER BY paid_at, rowid').all(filter.refundId)
      : filter.caseId !== undefined
        ? db.prepare('SELECT * FROM refund_ledger WHERE case_id = ? ORDER BY paid_at, rowid').all(filter.caseId)
        : db.prepare('SELECT * FROM refund_ledger ORDER BY paid_at, rowid').all()
  ) as LedgerRow[];
  return rows.map(toPayment);
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
