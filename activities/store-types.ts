/**
 * The activity store's interface: what the activities (outbox, case registry, refund ledger), the
 * CLI and the tests need from a database. Two implementations: `sqlite-store.ts` (one file per
 * host, the embedded default) and `postgres-store.ts` (one database shared by every worker host).
 *
 * Every once-only effect is decided by a database constraint (a primary key or unique key and
 * `INSERT … ON CONFLICT DO NOTHING` / `INSERT OR IGNORE`), never by reading first and writing
 * after: two hosts that race on the same key both run the insert and exactly one of them wins.
 */

/** Tables of the case registry that `recordOnce` writes; each has a unique `key` column. */
export type RegistryTable = 'case_owners' | 'transfers' | 'follow_ups';

/** A new outbox row. `deliveredAt` is set at once when there is no webhook (the row is the delivery). */
export interface OutboxInsert {
  key: string;
  workflowId: string | null;
  runId: string | null;
  activityId: string | null;
  channel: string;
  recipient: string;
  subject: string;
  body: string | null;
  /** Any JSON value, or undefined for none. */
  data: unknown;
  createdAt: string;
  deliveredAt: string | null;
}

/** One outbox message, as the CLI and tests read it. */
export interface OutboxMessage {
  key: string;
  workflowId: string | null;
  runId: string | null;
  activityId: string | null;
  channel: string;
  recipient: string;
  subject: string;
  body: string | null;
  data: unknown;
  createdAt: string;
  /** When the webhook acknowledged it (or, without a webhook, when it was queued); null while pending. */
  deliveredAt: string | null;
  /** Webhook attempts made so far (0 without a webhook). */
  attempts: number;
  lastError: string | null;
}

export interface CaseOwner {
  owner: string;
  role: string | null;
  assignedAt: string;
}

/** One payment in the refund ledger. */
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

/** What `migrate()` did. */
export interface MigrationReport {
  /** Versions this call applied, in order (empty when the schema was current). */
  applied: number[];
  /** The schema version now in force. */
  current: number;
}

export interface ActivityStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Where it is, for logs and messages: a file path, or the URL without its password. */
  readonly location: string;

  /** Applies the migrations this database has not had yet (see migrations.ts); safe to run from many hosts at once. */
  migrate(): Promise<MigrationReport>;

  /**
   * Inserts one row keyed by `values.key` unless a row with that key exists, then reads the row
   * that holds the key (this call's or the earlier one). `read` names the columns to give back;
   * times come back as ISO-8601 strings on both stores.
   */
  recordOnce<Row>(
    table: RegistryTable,
    values: Record<string, unknown> & { key: string },
    read: string[],
  ): Promise<{ inserted: boolean; row: Row }>;

  /** Queues a message once per key; returns whether this call queued it and the row the key holds. */
  queueMessage(message: OutboxInsert): Promise<{ inserted: boolean; message: OutboxMessage }>;
  /** Marks a queued message delivered (if it is not already) without counting a webhook attempt. */
  markDelivered(key: string, at: string): Promise<void>;
  /** Counts one webhook attempt: delivered at `deliveredAt`, or failed with `error`. */
  recordAttempt(key: string, outcome: { deliveredAt: string } | { error: string }): Promise<void>;
  /** Outbox messages in the order they were queued, optionally for one workflow. */
  listOutbox(filter?: { workflowId?: string }): Promise<OutboxMessage[]>;

  /** The latest recorded owner of a case, or undefined if it was never assigned. */
  currentOwner(caseId: string): Promise<CaseOwner | undefined>;
  /** Rows of a registry table for one case, in the order they were written (for the CLI and tests). */
  registryRows(table: RegistryTable, caseId: string): Promise<Record<string, unknown>[]>;

  /** Pays `payment` unless its refund id was paid before; returns whether this call paid and the payment on record. */
  payRefund(payment: RefundPayment): Promise<{ paid: boolean; payment: RefundPayment }>;
  /** Ledger entries in the order they were paid, optionally for one case or one refund. */
  refundLedger(filter?: { caseId?: string; refundId?: string }): Promise<RefundPayment[]>;

  close(): Promise<void>;
}
