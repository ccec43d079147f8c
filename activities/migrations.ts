/**
 * The activity store's schema, as numbered migrations, one list per database. A store records the
 * versions it has applied in `docket_schema_migrations`; `migrate()` applies the missing ones in
 * order, each in its own transaction together with its row in that table, so a migration is
 * either wholly applied and recorded or not at all. The worker migrates at start;
 * `docket db migrate` does it ahead of a rollout.
 *
 * Rules for adding one: append a new version to BOTH lists (same number, same meaning); never
 * edit or renumber a released migration, because stores in the field have recorded it as applied.
 *
 * The SQLite migrations use IF NOT EXISTS so that a `docket.db` written before migrations existed
 * (same tables, no version table) adopts them without a copy.
 */

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'outbox and case registry',
    sql: `
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
);`,
  },
  {
    version: 2,
    name: 'refund ledger',
    sql: `
CREATE TABLE IF NOT EXISTS refund_ledger (
  refund_id   TEXT PRIMARY KEY,
  case_id     TEXT NOT NULL,
  amount      REAL NOT NULL,
  currency    TEXT NOT NULL,
  approved_by TEXT NOT NULL,
  paid_at     TEXT NOT NULL,
  key         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS refund_ledger_case ON refund_ledger (case_id);`,
  },
];

/**
 * PostgreSQL: times are timestamptz, JSON is json (kept as written, unlike jsonb), amounts are
 * numeric(14,2) so a refund is never a binary fraction. `seq` columns keep insertion order where
 * two rows share a timestamp.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'outbox and case registry',
    sql: `
CREATE TABLE outbox (
  seq          BIGSERIAL NOT NULL UNIQUE,
  key          TEXT PRIMARY KEY,
  workflow_id  TEXT,
  run_id       TEXT,
  activity_id  TEXT,
  channel      TEXT NOT NULL,
  recipient    TEXT NOT NULL,
  subject      TEXT NOT NULL,
  body         TEXT,
  payload      JSON,
  created_at   TIMESTAMPTZ NOT NULL,
  delivered_at TIMESTAMPTZ,
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT
);
CREATE INDEX outbox_workflow ON outbox (workflow_id, created_at, seq);
CREATE TABLE case_owners (
  seq         BIGSERIAL PRIMARY KEY,
  case_id     TEXT NOT NULL,
  owner       TEXT NOT NULL,
  role        TEXT,
  assigned_at TIMESTAMPTZ NOT NULL,
  key         TEXT NOT NULL UNIQUE
);
CREATE INDEX case_owners_case ON case_owners (case_id, seq);
CREATE TABLE transfers (
  seq        BIGSERIAL NOT NULL UNIQUE,
  key        TEXT PRIMARY KEY,
  case_id    TEXT NOT NULL,
  department TEXT NOT NULL,
  contact    TEXT NOT NULL,
  need       TEXT,
  at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX transfers_case ON transfers (case_id, seq);
CREATE TABLE follow_ups (
  seq     BIGSERIAL NOT NULL UNIQUE,
  key     TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  kind    TEXT NOT NULL,
  result  JSON,
  at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX follow_ups_case ON follow_ups (case_id, seq);`,
  },
  {
    version: 2,
    name: 'refund ledger',
    sql: `
CREATE TABLE refund_ledger (
  seq         BIGSERIAL NOT NULL UNIQUE,
  refund_id   TEXT PRIMARY KEY,
  case_id     TEXT NOT NULL,
  amount      NUMERIC(14, 2) NOT NULL,
  currency    TEXT NOT NULL,
  approved_by TEXT NOT NULL,
  paid_at     TIMESTAMPTZ NOT NULL,
  key         TEXT NOT NULL
);
CREATE INDEX refund_ledger_case ON refund_ledger (case_id, seq);`,
  },
];

/** The version table, the same shape on both databases. */
export const MIGRATIONS_TABLE = 'docket_schema_migrations';
