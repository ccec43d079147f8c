/**
 * Which activity store this process uses, chosen by `DOCKET_STORE_URL`:
 *
 * | `DOCKET_STORE_URL`                         | Store                                                             |
 * |--------------------------------------------|-------------------------------------------------------------------|
 * | unset or empty                             | SQLite file `$DOCKET_DATA_DIR/docket.db` (default `<cwd>/.docket`) |
 * | `postgres://user:pass@host:5432/db?…`      | PostgreSQL, shared by every worker host (`postgresql://` too)      |
 *
 * The store holds the notification outbox, the case registry (owners, transfers, follow-ups) and
 * the refund ledger (interface: store-types.ts). `openStore()` opens it once per process and
 * location and brings its schema up to date (migrations.ts) before handing it out, so the first
 * activity after a deploy never meets an old schema; the worker opens it at start and logs what
 * was migrated.
 *
 * @example
 *   const store = await openStore();           // SQLite or PostgreSQL, migrated
 *   await store.listOutbox({ workflowId: 'case-42' });
 *   await closeStore();
 *
 *   // the embedded store only, synchronously (tests, the quick start):
 *   listOutbox({ workflowId: 'case-42' });
 */
import path from 'node:path';
import type Database from 'better-sqlite3';
import { PostgresStore, redactUrl } from './postgres-store';
import { SqliteStore } from './sqlite-store';
import type { ActivityStore, CaseOwner, MigrationReport, OutboxMessage } from './store-types';

export type { ActivityStore, CaseOwner, MigrationReport, OutboxMessage, RefundPayment } from './store-types';
export type Store = Database.Database;

/** `DOCKET_STORE_URL` is malformed or names a database docket cannot use. */
export class StoreConfigError extends Error {
  override name = 'StoreConfigError';
}

/** The store could not be opened or migrated (database down, wrong credentials, no permission). */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/** Where the store is, from the environment: `{ kind: 'sqlite', file }` or `{ kind: 'postgres', url }`. */
export function storeLocation(env: NodeJS.ProcessEnv = process.env): { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string } {
  const url = env.DOCKET_STORE_URL?.trim();
  if (!url) return { kind: 'sqlite', file: storePath(env) };
  if (/^postgres(ql)?:\/\//i.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new StoreConfigError(
        `DOCKET_STORE_URL: not a valid URL: ${redactUrl(url)}; expected postgres://user:password@host:5432/database`,
      );
    }
    return { kind: 'postgres', url };
  }
  throw new StoreConfigError(
    `DOCKET_STORE_URL: unsupported store "${url.split(':')[0]}:"; set postgres://user:password@host:5432/database for PostgreSQL, or unset it for the SQLite file in DOCKET_DATA_DIR`,
  );
}

/** Absolute path of the SQLite file: `$DOCKET_DATA_DIR/docket.db`, default `<cwd>/.docket/docket.db`. */
export function storePath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKET_DATA_DIR || path.join(process.cwd(), '.docket');
  return path.resolve(dir, 'docket.db');
}

interface Opened {
  store: ActivityStore;
  ready: Promise<MigrationReport>;
}
const opened = new Map<string, Opened>();

/**
 * The store for the current environment, opened on first use (one per location per process:
 * one SQLite connection, or one PostgreSQL pool) and migrated before it is returned.
 */
export async function openStore(): Promise<ActivityStore> {
  const { store, ready } = openEntry();
  await ready;
  return store;
}

/** Opens the store and reports the migrations it applied (the worker logs this at start; `docket db migrate`). */
export async function migrateStore(): Promise<{ store: ActivityStore; report: MigrationReport }> {
  const { store, ready } = openEntry();
  return { store, report: await ready };
}

function openEntry(): Opened {
  const where = storeLocation();
  const id = where.kind === 'sqlite' ? where.file : where.url;
  let entry = opened.get(id);
  if (!entry) {
    const store = where.kind === 'sqlite' ? new SqliteStore(where.file) : new PostgresStore(where.url);
    const ready = store.migrate().catch((err: unknown) => {
      const reason = err instanceof Error ? err.message || (err as { code?: string }).code || err.name : String(err);
      throw new StoreUnavailableError(
        `cannot open the ${store.kind} activity store at ${store.location}: ${reason}; ` +
          (store.kind === 'postgres'
            ? 'check DOCKET_STORE_URL and that the database is up and accepts this user'
            : 'check DOCKET_DATA_DIR is writable'),
      );
    });
    // A failed migration (database down) is not cached: the next call tries again.
    ready.catch(() => {
      if (opened.get(id)?.store === store) {
        opened.delete(id);
        void store.close().catch(() => {});
      }
    });
    entry = { store, ready };
    opened.set(id, entry);
  }
  return entry;
}

/** Closes every store this process opened. The next `openStore()` reopens. */
export async function closeStore(): Promise<void> {
  const all = [...opened.values()];
  opened.clear();
  await Promise.all(all.map((e) => e.store.close().catch(() => {})));
}

/**
 * The embedded SQLite store for the current `DOCKET_DATA_DIR`, synchronously: for the quick
 * start, the CLI's local reads and tests. Refuses when `DOCKET_STORE_URL` names PostgreSQL, so
 * nothing reads a local file while the workers write to the shared database.
 */
export function sqliteStore(): SqliteStore {
  const where = storeLocation();
  if (where.kind !== 'sqlite') {
    throw new StoreConfigError(
      'DOCKET_STORE_URL names PostgreSQL; read the shared store with `await openStore()` instead of the embedded SQLite helpers',
    );
  }
  let entry = opened.get(where.file);
  if (!entry) {
    const store = new SqliteStore(where.file); // migrated synchronously on open
    entry = { store, ready: store.migrate() };
    opened.set(where.file, entry);
  }
  return entry.store as SqliteStore;
}

/** The embedded store's better-sqlite3 connection (tests that look at raw rows). */
export function getStore(): Store {
  return sqliteStore().db;
}

/** Outbox messages of the embedded store, in the order they were queued, optionally for one workflow. */
export function listOutbox(options: { workflowId?: string } = {}): OutboxMessage[] {
  return sqliteStore().listOutboxNow(options);
}

/** The latest recorded owner of a case in the embedded store, or undefined if it was never assigned. */
export function currentOwner(caseId: string): CaseOwner | undefined {
  return sqliteStore().currentOwnerNow(caseId);
}
