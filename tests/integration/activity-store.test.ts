/**
 * The activity store suite, run against both stores: the embedded SQLite file and PostgreSQL (a
 * real server from scripts/postgres-server.ts on a free port with a temporary data directory,
 * stopped at the end). "Another host" is a second, independent store object on the same
 * location: a second SQLite connection to the file, or a second PostgreSQL pool.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure, type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Client } from 'pg';
import {
  assignOwner,
  closeStore,
  issueRefund,
  migrateStore,
  notify,
  openStore,
  recordFollowUp,
  REFUND_CONFLICT,
  storeLocation,
  transferCase,
  type IssueRefundResult,
} from '../../activities';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from '../../activities/migrations';
import { PostgresStore } from '../../activities/postgres-store';
import { SqliteStore } from '../../activities/sqlite-store';
import type { ActivityStore, RefundPayment } from '../../activities/store-types';
import { startPostgres, type PostgresServer } from '../../scripts/postgres-server';

const silent: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
function activityEnv(workflowId: string, activityId: string, attempt = 1, runId = 'run-1'): MockActivityEnvironment {
  return new MockActivityEnvironment({ workflowExecution: { workflowId, runId }, activityId, attempt }, { logger: silent });
}

let pg: PostgresServer;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await closeStore();
  await pg?.stop();
  delete process.env.DOCKET_STORE_URL;
  delete process.env.DOCKET_DATA_DIR;
});

type Kind = 'sqlite' | 'postgres';
let fresh = 0;

describe.each<Kind>(['sqlite', 'postgres'])('%s activity store', (kind) => {
  let dataDir: string;
  const opened: ActivityStore[] = [];
  /** An independent store object on the store in use: "another worker host". */
  const anotherHost = (): ActivityStore => {
    const where = storeLocation();
    const store = where.kind === 'sqlite' ? new SqliteStore(where.file) : new PostgresStore(where.url);
    opened.push(store);
    return store;
  };
  /** A brand-new, empty location (file or database) and a URL/env for it. */
  const freshLocation = async (): Promise<{ open(): ActivityStore }> => {
    fresh += 1;
    if (kind === 'sqlite') {
      const file = path.join(dataDir, `fresh-${fresh}`, 'docket.db');
      return { open: () => track(new SqliteStore(file)) };
    }
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE fresh_${fresh}`);
    await admin.end();
    const url = pg.url.replace(/\/docket$/, `/fresh_${fresh}`);
    return { open: () => track(new PostgresStore(url)) };
  };
  const track = (s: ActivityStore) => {
    opened.push(s);
    return s;
  };

  beforeAll(async () => {
    await closeStore();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `docket-store-${kind}-`));
    process.env.DOCKET_DATA_DIR = dataDir;
    if (kind === 'postgres') process.env.DOCKET_STORE_URL = pg.url;
    else delete process.env.DOCKET_STORE_URL;
  });
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await closeStore();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is the store DOCKET_STORE_URL chooses, migrated to the latest version on open', async () => {
    const { store, report } = await migrateStore();
    expect(store.kind).toBe(kind);
    const latest = (kind === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS).at(-1)!.version;
    expect(report).toEqual({ applied: [1, 2], current: latest });
    // Migrating again changes nothing.
    expect(await anotherHost().migrate()).toEqual({ applied: [], current: latest });
  });

  it('applies each migration once when several hosts migrate a new store at the same time', async () => {
    const location = await freshLocation();
    const hosts = [location.open(), location.open(), location.open()];
    const reports = await Promise.all(hosts.map((h) => h.migrate()));
    expect(reports.flatMap((r) => r.applied).sort()).toEqual([1, 2]);
    expect(reports.every((r) => r.current === 2)).toBe(true);
  });

  it('pays a refund once when many attempts race on two hosts', async () => {
    const hosts = [await openStore(), anotherHost()];
    const payment = (i: number): RefundPayment => ({
      refundId: 'R-race',
      caseId: 'C-race',
      amount: 45.55,
      currency: 'CNY',
      approvedBy: 'chen.lead',
      paidAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      key: `C-race:run-1:${i}`,
    });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => hosts[i % 2].payRefund(payment(i))));
    expect(results.filter((r) => r.paid)).toHaveLength(1);
    const winner = results.find((r) => r.paid)!.payment;
    // Every loser was handed the winner's payment, not its own.
    expect(results.map((r) => r.payment)).toEqual(results.map(() => winner));
    expect(winner.amount).toBe(45.55);
    expect(await hosts[1].refundLedger({ refundId: 'R-race' })).toEqual([winner]);
  });

  it('issueRefund: a retry on another host finds the payment; a different amount is refused', async () => {
    const refund = { refundId: 'R-1', caseId: 'C-1', amount: 120.5, currency: 'cny', approvedBy: ['sam.sup', 'fay.fin'] };
    const first = (await activityEnv('C-1/refund-approval-1', '7').run(issueRefund, refund)) as IssueRefundResult;
    expect(first).toMatchObject({
      refundId: 'R-1',
      amount: 120.5,
      currency: 'CNY',
      approvedBy: 'sam.sup,fay.fin',
      duplicate: false,
      key: 'C-1/refund-approval-1:run-1:7',
    });
    const retried = await activityEnv('C-1/refund-approval-1', '7', 2).run(issueRefund, refund);
    expect(retried).toEqual({ ...first, duplicate: true });

    const refused = await activityEnv('C-1/refund-approval-1', '9')
      .run(issueRefund, { ...refund, amount: 99 })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ type: REFUND_CONFLICT, nonRetryable: true });
    expect((refused as Error).message).toContain('refund R-1 was already paid as 120.5 CNY');
    expect(await anotherHost().refundLedger({ caseId: 'C-1' })).toHaveLength(1);
  });

  it('records a registry row once per key, also when two hosts race', async () => {
    const hosts = [await openStore(), anotherHost()];
    const values = (i: number) => ({
      key: 'C-2:run-1:4',
      case_id: 'C-2',
      kind: 'confirmation-3d',
      result: JSON.stringify({ said: `attempt ${i}` }),
      at: new Date(Date.UTC(2026, 0, 2, 0, 0, i)).toISOString(),
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => hosts[i % 2].recordOnce<{ kind: string; at: string }>('follow_ups', values(i), ['kind', 'at'])),
    );
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    expect(new Set(results.map((r) => r.row.at)).size).toBe(1);
    expect(results[0].row.at).toMatch(/^2026-01-02T00:00:0\d\.000Z$/);
    expect(await hosts[1].registryRows('follow_ups', 'C-2')).toHaveLength(1);
  });

  it('keeps the ownership history and transfers through the activities', async () => {
    await activityEnv('C-3', '1').run(assignOwner, { caseId: 'C-3', owner: 'ana', role: 'agent' });
    await activityEnv('C-3', '1', 2).run(assignOwner, { caseId: 'C-3', owner: 'ana', role: 'agent' });
    await activityEnv('C-3', '2').run(assignOwner, { caseId: 'C-3', owner: 'sam' });
    await activityEnv('C-3', '3').run(transferCase, { caseId: 'C-3', department: 'finance', contact: 'fay.fin', need: 'refund' });
    await activityEnv('C-3', '4').run(recordFollowUp, { caseId: 'C-3', kind: 'satisfaction-7d', result: { score: 4 } });
    const other = anotherHost();
    expect(await other.currentOwner('C-3')).toMatchObject({ owner: 'sam', role: null });
    expect(await other.currentOwner('C-none')).toBeUndefined();
    expect((await other.registryRows('case_owners', 'C-3')).map((r) => r.owner)).toEqual(['ana', 'sam']);
    expect(await other.registryRows('transfers', 'C-3')).toEqual([
      { key: 'C-3:run-1:3', case_id: 'C-3', department: 'finance', contact: 'fay.fin', need: 'refund', at: expect.stringMatching(/Z$/) },
    ]);
    const [followUp] = await other.registryRows('follow_ups', 'C-3');
    expect(typeof followUp.result === 'string' ? JSON.parse(followUp.result) : followUp.result).toEqual({ score: 4 });
  });

  it('queues an outbox message once per key across hosts and records delivery attempts', async () => {
    const hosts = [await openStore(), anotherHost()];
    const message = (i: number) => ({
      key: 'case-4:run-1:3',
      workflowId: 'case-4',
      runId: 'run-1',
      activityId: '3',
      channel: 'email',
      recipient: `ana-${i}@example.com`,
      subject: 'Your refund',
      body: null,
      data: { amount: 120, lines: [{ sku: 'a', n: 2 }], note: 'ü' },
      createdAt: new Date(Date.UTC(2026, 0, 3, 0, 0, i)).toISOString(),
      deliveredAt: null,
    });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => hosts[i % 2].queueMessage(message(i))));
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    const queued = results.find((r) => r.inserted)!.message;
    expect(results.map((r) => r.message)).toEqual(results.map(() => queued));
    expect(queued).toMatchObject({
      deliveredAt: null,
      attempts: 0,
      lastError: null,
      data: { amount: 120, lines: [{ sku: 'a', n: 2 }], note: 'ü' },
    });

    await hosts[0].recordAttempt(queued.key, { error: 'HTTP 503' });
    await hosts[1].recordAttempt(queued.key, { deliveredAt: '2026-01-03T00:01:00.000Z' });
    await hosts[0].recordAttempt(queued.key, { deliveredAt: '2026-01-03T00:02:00.000Z' }); // a late duplicate ack keeps the first time
    await hosts[1].markDelivered(queued.key, '2026-01-03T00:03:00.000Z');
    expect(await hosts[1].listOutbox({ workflowId: 'case-4' })).toEqual([
      { ...queued, attempts: 3, lastError: 'HTTP 503', deliveredAt: '2026-01-03T00:01:00.000Z' },
    ]);
  });

  it('notify: two invocations queue two messages in order; a retried one queues nothing', async () => {
    delete process.env.DOCKET_WEBHOOK_URL;
    const first = await activityEnv('case-5', '1').run(notify, { to: 'supervisor', subject: 'First' });
    const retried = await activityEnv('case-5', '1', 2).run(notify, { to: 'supervisor', subject: 'First' });
    await activityEnv('case-5', '2').run(notify, { to: 'lead', subject: 'Second', data: 'a string' });
    expect(first).toEqual({ key: 'case-5:run-1:1', delivered: true, duplicate: false });
    expect(retried).toEqual({ key: 'case-5:run-1:1', delivered: true, duplicate: true });
    const rows = await anotherHost().listOutbox({ workflowId: 'case-5' });
    expect(rows.map((r) => [r.recipient, r.subject, r.channel, r.data])).toEqual([
      ['supervisor', 'First', 'outbox', undefined],
      ['lead', 'Second', 'outbox', 'a string'],
    ]);
    expect(rows.every((r) => r.deliveredAt === r.createdAt)).toBe(true);
  });

  if (kind === 'postgres') {
    it('keeps working after the database restarts (the pool drops the cut connections)', async () => {
      const store = await openStore();
      expect(await store.refundLedger({ refundId: 'R-1' })).toHaveLength(1);
      await pg.restart();
      // The first query after a restart may meet a connection the server cut: activities are
      // retried by Temporal, so one failed attempt is allowed, a lasting failure is not.
      const retry = async <T>(f: () => Promise<T>): Promise<T> => f().catch(() => f());
      expect(await retry(() => store.refundLedger({ refundId: 'R-1' }))).toHaveLength(1);
      const again = await retry(() =>
        activityEnv('C-1/refund-approval-1', '7', 3).run(issueRefund, {
          refundId: 'R-1',
          caseId: 'C-1',
          amount: 120.5,
          approvedBy: 'sam.sup',
        }),
      );
      expect(again).toMatchObject({ duplicate: true });
    });

    it('says which store cannot be opened, without the password', async () => {
      await closeStore();
      process.env.DOCKET_STORE_URL = 'postgres://docket:s3cret@127.0.0.1:1/docket';
      try {
        await expect(openStore()).rejects.toThrow(
          /^cannot open the postgres activity store at postgres:\/\/docket:\*\*\*@127\.0\.0\.1:1\/docket: .*ECONNREFUSED.*; check DOCKET_STORE_URL/,
        );
      } finally {
        process.env.DOCKET_STORE_URL = pg.url;
      }
    });
  }
});

describe('DOCKET_STORE_URL', () => {
  it('refuses a scheme it does not know, naming the variable and what to set', () => {
    expect(() => storeLocation({ DOCKET_STORE_URL: 'mysql://db/docket' })).toThrow(
      'DOCKET_STORE_URL: unsupported store "mysql:"; set postgres://user:password@host:5432/database for PostgreSQL, or unset it for the SQLite file in DOCKET_DATA_DIR',
    );
    expect(storeLocation({ DOCKET_STORE_URL: ' ', DOCKET_DATA_DIR: '/var/docket' })).toEqual({
      kind: 'sqlite',
      file: '/var/docket/docket.db',
    });
    expect(storeLocation({ DOCKET_STORE_URL: 'postgresql://u@h/db' })).toEqual({ kind: 'postgres', url: 'postgresql://u@h/db' });
  });
});
