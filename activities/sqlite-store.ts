/**
 * The embedded activity store: one SQLite file (better-sqlite3) per worker host, the default.
 * Once-only effects are decided by the file's primary and unique keys (`INSERT OR IGNORE`), so
 * they hold for every process that opens the same file (WAL mode and a busy timeout let several
 * processes on one host share it) and for nothing beyond it: a retry that lands on a worker on
 * another host finds another file. Use the PostgreSQL store for more than one host.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS_TABLE, SQLITE_MIGRATIONS } from './migrations';
import type { ActivityStore, CaseOwner, MigrationReport, OutboxInsert, OutboxMessage, RefundPayment, RegistryTable } from './store-types';

interface OutboxRow {
  key: string;
  workflow_id: string | null;
  run_id: string | null;
  activity_id: string | null;
  channel: string;
  recipient: string;
  subject: string;
  body: string | null;
  payload: string | null;
  created_at: string;
  delivered_at: string | null;
  attempts: number;
  last_error: string | null;
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

const toMessage = (r: OutboxRow): OutboxMessage => ({
  key: r.key,
  workflowId: r.workflow_id,
  runId: r.run_id,
  activityId: r.activity_id,
  channel: r.channel,
  recipient: r.recipient,
  subject: r.subject,
  body: r.body,
  data: r.payload === null ? undefined : JSON.parse(r.payload),
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
  attempts: r.attempts,
  lastError: r.last_error,
});

const toPayment = (r: LedgerRow): RefundPayment => ({
  refundId: r.refund_id,
  caseId: r.case_id,
  amount: r.amount,
  currency: r.currency,
  approvedBy: r.approved_by,
  paidAt: r.paid_at,
  key: r.key,
});

export class SqliteStore implements ActivityStore {
  readonly kind = 'sqlite' as const;
  readonly db: Database.Database;

  /** Opens (and creates) `file` and brings its schema up to date: the quick start needs no migrate step. */
  constructor(readonly location: string) {
    fs.mkdirSync(path.dirname(location), { recursive: true });
    this.db = new Database(location);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.opening = this.migrateNow();
  }

  /** What opening the file migrated, reported by the first `migrate()` call. */
  private opening: MigrationReport | undefined;

  async migrate(): Promise<MigrationReport> {
    const report = this.opening ?? this.migrateNow();
    this.opening = undefined;
    return report;
  }

  /** Synchronous, so the constructor can run it. `BEGIN IMMEDIATE` takes the write lock first: two processes opening a new file apply each version once. */
  private migrateNow(): MigrationReport {
    const db = this.db;
    db.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const applied: number[] = [];
    for (const m of SQLITE_MIGRATIONS) {
      const apply = db.transaction(() => {
        if (db.prepare(`SELECT 1 FROM ${MIGRATIONS_TABLE} WHERE version = ?`).get(m.version)) return;
        db.exec(m.sql);
        db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`).run(
          m.version,
          m.name,
          new Date().toISOString(),
        );
        applied.push(m.version);
      });
      apply.immediate();
    }
    const current = (db.prepare(`SELECT max(version) AS v FROM ${MIGRATIONS_TABLE}`).get() as { v: number | null }).v ?? 0;
    return { applied, current };
  }

  async recordOnce<Row>(
    table: RegistryTable,
    values: Record<string, unknown> & { key: string },
    read: string[],
  ): Promise<{ inserted: boolean; row: Row }> {
    const columns = Object.keys(values);
    const inserted =
      this.db
        .prepare(`INSERT OR IGNORE INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
        .run(...Object.values(values)).changes === 1;
    const row = this.db.prepare(`SELECT ${read.join(', ')} FROM ${table} WHERE key = ?`).get(values.key) as Row;
    return { inserted, row };
  }

  async queueMessage(m: OutboxInsert): Promise<{ inserted: boolean; message: OutboxMessage }> {
    const inserted =
      this.db
        .prepare(
          `INSERT OR IGNORE INTO outbox
             (key, workflow_id, run_id, activity_id, channel, recipient, subject, body, payload, created_at, delivered_at, attempts)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
        )
        .run(
          m.key,
          m.workflowId,
          m.runId,
          m.activityId,
          m.channel,
          m.recipient,
          m.subject,
          m.body,
          m.data === undefined ? null : JSON.stringify(m.data),
          m.createdAt,
          m.deliveredAt,
        ).changes === 1;
    const row = this.db.prepare('SELECT * FROM outbox WHERE key = ?').get(m.key) as OutboxRow;
    return { inserted, message: toMessage(row) };
  }

  async markDelivered(key: string, at: string): Promise<void> {
    this.db.prepare('UPDATE outbox SET delivered_at = ? WHERE key = ? AND delivered_at IS NULL').run(at, key);
  }

  async recordAttempt(key: string, outcome: { deliveredAt: string } | { error: string }): Promise<void> {
    if ('error' in outcome)
      this.db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE key = ?').run(outcome.error, key);
    else
      this.db
        .prepare('UPDATE outbox SET attempts = attempts + 1, delivered_at = COALESCE(delivered_at, ?) WHERE key = ?')
        .run(outcome.deliveredAt, key);
  }

  async listOutbox(filter: { workflowId?: string } = {}): Promise<OutboxMessage[]> {
    return this.listOutboxNow(filter);
  }

  /** Synchronous read, for the embedded store's sync helpers (store.ts). */
  listOutboxNow(filter: { workflowId?: string } = {}): OutboxMessage[] {
    const rows = (
      filter.workflowId === undefined
        ? this.db.prepare('SELECT * FROM outbox ORDER BY created_at, rowid').all()
        : this.db.prepare('SELECT * FROM outbox WHERE workflow_id = ? ORDER BY created_at, rowid').all(filter.workflowId)
    ) as OutboxRow[];
    return rows.map(toMessage);
  }

  async currentOwner(caseId: string): Promise<CaseOwner | undefined> {
    return this.currentOwnerNow(caseId);
  }

  currentOwnerNow(caseId: string): CaseOwner | undefined {
    const row = this.db
      .prepare('SELECT owner, role, assigned_at FROM case_owners WHERE case_id = ? ORDER BY seq DESC LIMIT 1')
      .get(caseId) as { owner: string; role: string | null; assigned_at: string } | undefined;
    return row && { owner: row.owner, role: row.role, assignedAt: row.assigned_at };
  }

  async registryRows(table: RegistryTable, caseId: string): Promise<Record<string, unknown>[]> {
    return this.db.prepare(`SELECT * FROM ${table} WHERE case_id = ? ORDER BY rowid`).all(caseId) as Record<string, unknown>[];
  }

  async payRefund(p: RefundPayment): Promise<{ paid: boolean; payment: RefundPayment }> {
    const paid =
      this.db
        .prepare(
          'INSERT OR IGNORE INTO refund_ledger (refund_id, case_id, amount, currency, approved_by, paid_at, key) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(p.refundId, p.caseId, p.amount, p.currency, p.approvedBy, p.paidAt, p.key).changes === 1;
    const row = this.db.prepare('SELECT * FROM refund_ledger WHERE refund_id = ?').get(p.refundId) as LedgerRow;
    return { paid, payment: toPayment(row) };
  }

  async refundLedger(filter: { caseId?: string; refundId?: string } = {}): Promise<RefundPayment[]> {
    return this.refundLedgerNow(filter);
  }

  refundLedgerNow(filter: { caseId?: string; refundId?: string } = {}): RefundPayment[] {
    const rows = (
      filter.refundId !== undefined
        ? this.db.prepare('SELECT * FROM refund_ledger WHERE refund_id = ? ORDER BY paid_at, rowid').all(filter.refundId)
        : filter.caseId !== undefined
          ? this.db.prepare('SELECT * FROM refund_ledger WHERE case_id = ? ORDER BY paid_at, rowid').all(filter.caseId)
          : this.db.prepare('SELECT * FROM refund_ledger ORDER BY paid_at, rowid').all()
    ) as LedgerRow[];
    return rows.map(toPayment);
  }

  async close(): Promise<void> {
    this.closeNow();
  }

  closeNow(): void {
    if (this.db.open) this.db.close();
  }
}
