/**
 * The activities' durable store: one SQLite file (`docket.db`) under `DOCKET_DATA_DIR`
 * (default `<cwd>/.docket`). It holds the notification outbox and the case registry
 * (ownership history, transfers, follow-ups). Every write is keyed by the activity's
 * idempotency key, so a retried activity finds its own earlier row instead of adding another.
 *
 * Activities, the CLI and tests share one connection per file per process (`getStore()`);
 * WAL mode and a busy timeout let several worker processes use the same file.
 *
 * @example
 *   const db = getStore();            // opens (and creates) $DOCKET_DATA_DIR/docket.db
 *   listOutbox({ workflowId: 'case-42' });
 *   currentOwner('C-42');             // { owner: 'ana', role: 'agent', assignedAt: '…' }
 *   closeStore();
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Store = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
  key          TEXT PRIMARY KEY,
  workflow_id  TEXT,
  run_id       TEXT,
  activity_id  TEXT,
  channel      TEXT NOT NULL,
  recipient    TEXT NOT NULL,
  subject      TEXT NOT NULL,
  body         TEXT,
  payload      JSON,
  created_at   TEXT NOT NULL,
  delivered_at TEXT,
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT
);
CREATE INDEX IF NOT EXISTS outbox_workflow ON outbox (workflow_id);

-- History of ownership: the current owner is the latest row (seq) for the case.
CREATE TABLE IF NOT EXISTS case_owners (
  seq         INTEGER PRIMARY KEY,
  case_id     TEXT NOT NULL,
  owner       TEXT NOT NULL,
  role        TEXT,
  assigned_at TEXT NOT NULL,
  key         TEXT NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS case_owners_case ON case_owners (case_id, seq);

CREATE TABLE IF NOT EXISTS transfers (
  key        TEXT PRIMARY KEY,
  case_id    TEXT NOT NULL,
  department TEXT NOT NULL,
  contact    TEXT NOT NULL,
  need       TEXT,
  at         TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS follow_ups (
  key     TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  kind    TEXT NOT NULL,
  result  JSON,
  at      TEXT NOT NULL
);
`;

const stores = new Map<string, Store>();

/** Absolute path of the database file: `$DOCKET_DATA_DIR/docket.db`, default `<cwd>/.docket/docket.db`. */
export function storePath(): string {
  const dir = process.env.DOCKET_DATA_DIR || path.join(process.cwd(), '.docket');
  return path.resolve(dir, 'docket.db');
}

/**
 * The shared database for the current `DOCKET_DATA_DIR`, opened (and its directory and tables
 * created) on first use. One connection per file per process; `closeStore()` closes them.
 */
export function getStore(): Store {
  const file = storePath();
  let db = stores.get(file);
  if (!db) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    stores.set(file, db);
  }
  return db;
}

/**
 * Writes one row per activity invocation, keyed by its idempotency key (`values.key`): a retried
 * attempt writes nothing and gets the row the first attempt wrote. `read` names the columns to
 * give back. Table and column names come from this module's callers, never from input.
 */
export function recordOnce<Row>(table: string, values: Record<string, unknown> & { key: string }, read: string[]): { inserted: boolean; row: Row } {
  const db = getStore();
  const columns = Object.keys(values);
  const inserted =
    db.prepare(`INSERT OR IGNORE INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...Object.values(values)).changes === 1;
  const row = db.prepare(`SELECT ${read.join(', ')} FROM ${table} WHERE key = ?`).get(values.key) as Row;
  return { inserted, row };
}

/** Closes every database this process opened. The next `getStore()` reopens. */
export function closeStore(): void {
  for (const db of stores.values()) db.close();
  stores.clear();
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

/** Outbox messages in the order they were queued, optionally for one workflow. */
export function listOutbox(options: { workflowId?: string } = {}): OutboxMessage[] {
  const db = getStore();
  const rows = (
    options.workflowId === undefined
      ? db.prepare('SELECT * FROM outbox ORDER BY created_at, rowid').all()
      : db.prepare('SELECT * FROM outbox WHERE workflow_id = ? ORDER BY created_at, rowid').all(options.workflowId)
  ) as OutboxRow[];
  return rows.map((r) => ({
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
  }));
}

export interface CaseOwner {
  owner: string;
  role: string | null;
  assignedAt: string;
}

/** The latest recorded owner of a case, or undefined if it was never assigned. */
export function currentOwner(caseId: string): CaseOwner | undefined {
  const row = getStore()
    .prepare('SELECT owner, role, assigned_at FROM case_owners WHERE case_id = ? ORDER BY seq DESC LIMIT 1')
    .get(caseId) as { owner: string; role: string | null; assigned_at: string } | undefined;
  return row && { owner: row.owner, role: row.role, assignedAt: row.assigned_at };
}
