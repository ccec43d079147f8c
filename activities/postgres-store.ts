/**
 * The shared activity store: one PostgreSQL database for every worker host (`DOCKET_STORE_URL=
 * postgres://…`), through a `pg` connection pool.
 *
 * Once-only effects are decided by the database's keys: `INSERT … ON CONFLICT DO NOTHING
 * RETURNING` tells this call whether it won; a following SELECT (its own statement, so it sees a
 * row a racing host committed meanwhile) reads what the key holds. Two workers on two hosts that
 * run the same refund at the same moment both insert and exactly one pays; the other gets the
 * first payment back.
 */
import { Pool, types, type PoolClient } from 'pg';
import { MIGRATIONS_TABLE, POSTGRES_MIGRATIONS } from './migrations';
import type { ActivityStore, CaseOwner, MigrationReport, OutboxInsert, OutboxMessage, RefundPayment, RegistryTable } from './store-types';

// numeric(14,2) arrives as a string by default (it may not fit a double); refund amounts do.
types.setTypeParser(types.builtins.NUMERIC, (value) => Number(value));

/** Any key taken by `pg_advisory_xact_lock` while migrating: one host migrates, the others wait and find it done. */
const MIGRATION_LOCK = 7_356_120_015;

interface OutboxRow {
  key: string;
  workflow_id: string | null;
  run_id: string | null;
  activity_id: string | null;
  channel: string;
  recipient: string;
  subject: string;
  body: string | null;
  payload: unknown;
  created_at: Date;
  delivered_at: Date | null;
  attempts: number;
  last_error: string | null;
}

interface LedgerRow {
  refund_id: string;
  case_id: string;
  amount: number;
  currency: string;
  approved_by: string;
  paid_at: Date;
  key: string;
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

const toMessage = (r: OutboxRow): OutboxMessage => ({
  key: r.key,
  workflowId: r.workflow_id,
  runId: r.run_id,
  activityId: r.activity_id,
  channel: r.channel,
  recipient: r.recipient,
  subject: r.subject,
  body: r.body,
  data: r.payload === null ? undefined : r.payload,
  createdAt: r.created_at.toISOString(),
  deliveredAt: iso(r.delivered_at),
  attempts: r.attempts,
  lastError: r.last_error,
});

const toPayment = (r: LedgerRow): RefundPayment => ({
  refundId: r.refund_id,
  caseId: r.case_id,
  amount: r.amount,
  currency: r.currency,
  approvedBy: r.approved_by,
  paidAt: r.paid_at.toISOString(),
  key: r.key,
});

/** Times come back as ISO strings, as the SQLite store gives them. */
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = v instanceof Date ? v.toISOString() : v;
  return out;
}

/** The URL without its password, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(DOCKET_STORE_URL)';
  }
}

export class PostgresStore implements ActivityStore {
  readonly kind = 'postgres' as const;
  readonly location: string;
  readonly pool: Pool;

  constructor(url: string, options: { max?: number } = {}) {
    this.location = redactUrl(url);
    this.pool = new Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 10_000 });
    // An idle connection that the server drops (a restart) must not crash the worker: the pool
    // discards it and the next query opens a new one.
    this.pool.on('error', () => {});
  }

  async migrate(): Promise<MigrationReport> {
    const client = await this.pool.connect();
    try {
      // Under the lock too: two hosts running CREATE TABLE IF NOT EXISTS at the same moment can
      // both pass the check and one fails on the catalog's unique index.
      await this.locked(client, () =>
        client.query(
          `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`,
        ),
      );
      const applied: number[] = [];
      for (const m of POSTGRES_MIGRATIONS) {
        if (await this.applyOne(client, m.version, m.name, m.sql)) applied.push(m.version);
      }
      const { rows } = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${MIGRATIONS_TABLE}`);
      return { applied, current: rows[0].v ?? 0 };
    } finally {
      client.release();
    }
  }

  /** Runs `work` in one transaction holding the migration lock: one host at a time. */
  private async locked<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const result = await work();
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  /** One migration with its row in the version table, in one locked transaction; false when another host had applied it. */
  private async applyOne(client: PoolClient, version: number, name: string, sql: string): Promise<boolean> {
    return this.locked(client, async () => {
      const done = await client.query(`SELECT 1 FROM ${MIGRATIONS_TABLE} WHERE version = $1`, [version]);
      if (done.rowCount) return false;
      await client.query(sql);
      await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES ($1, $2, now())`, [version, name]);
      return true;
    });
  }

  async recordOnce<Row>(
    table: RegistryTable,
    values: Record<string, unknown> & { key: string },
    read: string[],
  ): Promise<{ inserted: boolean; row: Row }> {
    const columns = Object.keys(values);
    const insert = await this.pool.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT (key) DO NOTHING`,
      Object.values(values),
    );
    const { rows } = await this.pool.query(`SELECT ${read.join(', ')} FROM ${table} WHERE key = $1`, [values.key]);
    return { inserted: insert.rowCount === 1, row: plainRow(rows[0]) as Row };
  }

  async queueMessage(m: OutboxInsert): Promise<{ inserted: boolean; message: OutboxMessage }> {
    const insert = await this.pool.query(
      `INSERT INTO outbox (key, workflow_id, run_id, activity_id, channel, recipient, subject, body, payload, created_at, delivered_at, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0)
       ON CONFLICT (key) DO NOTHING`,
      [
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
      ],
    );
    const { rows } = await this.pool.query<OutboxRow>('SELECT * FROM outbox WHERE key = $1', [m.key]);
    return { inserted: insert.rowCount === 1, message: toMessage(rows[0]) };
  }

  async markDelivered(key: string, at: string): Promise<void> {
    await this.pool.query('UPDATE outbox SET delivered_at = $1 WHERE key = $2 AND delivered_at IS NULL', [at, key]);
  }

  async recordAttempt(key: string, outcome: { deliveredAt: string } | { error: string }): Promise<void> {
    if ('error' in outcome)
      await this.pool.query('UPDATE outbox SET attempts = attempts + 1, last_error = $1 WHERE key = $2', [outcome.error, key]);
    else
      await this.pool.query('UPDATE outbox SET attempts = attempts + 1, delivered_at = COALESCE(delivered_at, $1) WHERE key = $2', [
        outcome.deliveredAt,
        key,
      ]);
  }

  async listOutbox(filter: { workflowId?: string } = {}): Promise<OutboxMessage[]> {
    const { rows } =
      filter.workflowId === undefined
        ? await this.pool.query<OutboxRow>('SELECT * FROM outbox ORDER BY created_at, seq')
        : await this.pool.query<OutboxRow>('SELECT * FROM outbox WHERE workflow_id = $1 ORDER BY created_at, seq', [filter.workflowId]);
    return rows.map(toMessage);
  }

  async currentOwner(caseId: string): Promise<CaseOwner | undefined> {
    const { rows } = await this.pool.query<{ owner: string; role: string | null; assigned_at: Date }>(
      'SELECT owner, role, assigned_at FROM case_owners WHERE case_id = $1 ORDER BY seq DESC LIMIT 1',
      [caseId],
    );
    const row = rows[0];
    return row && { owner: row.owner, role: row.role, assignedAt: row.assigned_at.toISOString() };
  }

  async registryRows(table: RegistryTable, caseId: string): Promise<Record<string, unknown>[]> {
    const { rows } = await this.pool.query(`SELECT * FROM ${table} WHERE case_id = $1 ORDER BY seq`, [caseId]);
    // seq is this database's own ordering column; the SQLite tables have rowid instead.
    return rows.map((r: Record<string, unknown>) => {
      const { seq: _seq, ...rest } = plainRow(r);
      return rest;
    });
  }

  async payRefund(p: RefundPayment): Promise<{ paid: boolean; payment: RefundPayment }> {
    const insert = await this.pool.query(
      `INSERT INTO refund_ledger (refund_id, case_id, amount, currency, approved_by, paid_at, key)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (refund_id) DO NOTHING`,
      [p.refundId, p.caseId, p.amount, p.currency, p.approvedBy, p.paidAt, p.key],
    );
    const { rows } = await this.pool.query<LedgerRow>('SELECT * FROM refund_ledger WHERE refund_id = $1', [p.refundId]);
    return { paid: insert.rowCount === 1, payment: toPayment(rows[0]) };
  }

  async refundLedger(filter: { caseId?: string; refundId?: string } = {}): Promise<RefundPayment[]> {
    const { rows } =
      filter.refundId !== undefined
        ? await this.pool.query<LedgerRow>('SELECT * FROM refund_ledger WHERE refund_id = $1 ORDER BY paid_at, seq', [filter.refundId])
        : filter.caseId !== undefined
          ? await this.pool.query<LedgerRow>('SELECT * FROM refund_ledger WHERE case_id = $1 ORDER BY paid_at, seq', [filter.caseId])
          : await this.pool.query<LedgerRow>('SELECT * FROM refund_ledger ORDER BY paid_at, seq');
    return rows.map(toPayment);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
