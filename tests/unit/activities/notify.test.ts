import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure, CancelledFailure, type LogLevel, type LogMetadata, type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { notify, listOutbox, closeStore, INVALID_ACTIVITY_INPUT, WEBHOOK_FAILED } from '../../../activities';

/** A real loopback webhook receiver: records every request, answers with the status in `status`. */
class Receiver {
  requests: { headers: http.IncomingHttpHeaders; body: unknown }[] = [];
  status = 200;
  /** When true, requests are held open (never answered) to exercise timeouts and cancellation. */
  hang = false;
  private held: http.ServerResponse[] = [];
  private server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      this.requests.push({ headers: req.headers, body: JSON.parse(raw) });
      if (this.hang) return void this.held.push(res);
      res.writeHead(this.status, { 'content-type': 'text/plain' }).end(this.status < 300 ? 'ok' : 'receiver is down');
    });
  });
  url = '';
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/docket?token=secret`;
  }
  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
  accepted(): number {
    return this.requests.length;
  }
}

type LogEntry = { level: LogLevel; message: string; meta?: LogMetadata };
function captureLogger(entries: LogEntry[]): Logger {
  const at = (level: LogLevel) => (message: string, meta?: LogMetadata) => void entries.push({ level, message, meta });
  return {
    log: (level, message, meta) => void entries.push({ level, message, meta }),
    trace: at('TRACE'),
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARN'),
    error: at('ERROR'),
  };
}

/** The ApplicationFailure an activity run fails with (fails the test if it succeeds or throws anything else). */
async function failureOf(running: Promise<unknown>): Promise<ApplicationFailure> {
  const outcome = await running.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ('error' in outcome && outcome.error instanceof ApplicationFailure) return outcome.error;
  throw new Error(`expected an ApplicationFailure, got ${JSON.stringify(outcome)}`);
}

let logs: LogEntry[] = [];
/** An activity context for attempt `attempt` of activity `activityId` in workflow `workflowId`'s run `runId`. */
function activityEnv(workflowId: string, activityId: string, attempt = 1, runId = 'run-1'): MockActivityEnvironment {
  return new MockActivityEnvironment(
    { workflowExecution: { workflowId, runId }, activityId, attempt, activityType: 'notify' },
    { logger: captureLogger(logs) },
  );
}

const receiver = new Receiver();
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-notify-'));
  process.env.DOCKET_DATA_DIR = dataDir;
  await receiver.start();
});
afterAll(async () => {
  closeStore();
  await receiver.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  delete process.env.DOCKET_DATA_DIR;
});
beforeEach(() => {
  receiver.requests = [];
  receiver.status = 200;
  receiver.hang = false;
  logs = [];
  process.env.DOCKET_WEBHOOK_URL = receiver.url;
  delete process.env.DOCKET_WEBHOOK_TIMEOUT_MS;
});
afterEach(() => {
  delete process.env.DOCKET_WEBHOOK_URL;
});

const message = { to: 'ana@example.com', subject: 'Your refund', body: 'Approved.', channel: 'email', data: { amount: 120 } };

describe('notify with a webhook', () => {
  it('queues one outbox row and posts once when the same invocation runs twice', async () => {
    const first = await activityEnv('case-1', '3', 1).run(notify, message);
    // Attempt 2 of the same activity (e.g. the completion of attempt 1 was lost).
    const second = await activityEnv('case-1', '3', 2).run(notify, message);

    expect(first).toEqual({ key: 'case-1:run-1:3', delivered: true, duplicate: false });
    expect(second).toEqual({ key: 'case-1:run-1:3', delivered: true, duplicate: true });
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0].headers['idempotency-key']).toBe('case-1:run-1:3');
    expect(receiver.requests[0].body).toEqual({ key: 'case-1:run-1:3', ...message });

    const rows = listOutbox({ workflowId: 'case-1' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      key: 'case-1:run-1:3',
      runId: 'run-1',
      activityId: '3',
      channel: 'email',
      recipient: 'ana@example.com',
      subject: 'Your refund',
      body: 'Approved.',
      data: { amount: 120 },
      attempts: 1,
      lastError: null,
    });
    expect(rows[0].deliveredAt).not.toBeNull();
  });

  it('queues and posts two messages for two activities of the same run', async () => {
    await activityEnv('case-2', '1').run(notify, message);
    await activityEnv('case-2', '2').run(notify, { to: 'lead@example.com', subject: 'Please review' });

    expect(listOutbox({ workflowId: 'case-2' }).map((r) => r.key)).toEqual(['case-2:run-1:1', 'case-2:run-1:2']);
    expect(receiver.requests.map((r) => r.headers['idempotency-key'])).toEqual(['case-2:run-1:1', 'case-2:run-1:2']);
  });

  it('treats the same activity id in a new run (continue-as-new, reset) as a new message', async () => {
    await activityEnv('case-3', '1', 1, 'run-a').run(notify, message);
    await activityEnv('case-3', '1', 1, 'run-b').run(notify, message);

    expect(listOutbox({ workflowId: 'case-3' })).toHaveLength(2);
    expect(receiver.accepted()).toBe(2);
  });

  it('fails a delivery the webhook refuses, keeps the row pending, and delivers once on the next attempt', async () => {
    receiver.status = 500;
    const failure = await failureOf(activityEnv('case-4', '1', 1).run(notify, message));

    expect(failure.type).toBe(WEBHOOK_FAILED);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toBe(
      'notify: webhook http://127.0.0.1:' + new URL(receiver.url).port + '/hooks/docket failed: HTTP 500: receiver is down',
    );
    expect(failure.message).not.toContain('secret');
    let [row] = listOutbox({ workflowId: 'case-4' });
    expect(row).toMatchObject({ deliveredAt: null, attempts: 1, lastError: 'HTTP 500: receiver is down' });

    receiver.status = 200;
    const retried = await activityEnv('case-4', '1', 2).run(notify, message);
    expect(retried).toEqual({ key: 'case-4:run-1:1', delivered: true, duplicate: false });
    [row] = listOutbox({ workflowId: 'case-4' });
    expect(row.deliveredAt).not.toBeNull();
    expect(row.attempts).toBe(2);

    // A third attempt (say, the completion was lost) does not post again.
    await expect(activityEnv('case-4', '1', 3).run(notify, message)).resolves.toMatchObject({ duplicate: true });
    expect(receiver.requests).toHaveLength(2); // the refused one and the delivered one
    expect(listOutbox({ workflowId: 'case-4' })).toHaveLength(1);
  });

  it('gives up on a webhook that does not answer within DOCKET_WEBHOOK_TIMEOUT_MS and leaves the row for the retry', async () => {
    receiver.hang = true;
    process.env.DOCKET_WEBHOOK_TIMEOUT_MS = '200';
    await expect(activityEnv('case-5', '1').run(notify, message)).rejects.toThrow(/failed: timed out after 200ms$/);
    expect(listOutbox({ workflowId: 'case-5' })[0]).toMatchObject({ deliveredAt: null, attempts: 1, lastError: 'timed out after 200ms' });
  });

  it('aborts the POST when the activity is cancelled and reports the cancellation', async () => {
    receiver.hang = true;
    const env = activityEnv('case-6', '1');
    const running = env.run(notify, message);
    while (receiver.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    env.cancel();

    await expect(running).rejects.toBeInstanceOf(CancelledFailure);
    expect(listOutbox({ workflowId: 'case-6' })[0]).toMatchObject({ deliveredAt: null, attempts: 1 });
  });

  it('logs through the activity logger with the idempotency key', async () => {
    await activityEnv('case-7', '9').run(notify, message);
    const line = logs.find((entry) => entry.message === 'notify: delivered to the webhook');
    expect(line?.meta).toMatchObject({ key: 'case-7:run-1:9', to: 'ana@example.com' });
  });
});

describe('notify without a webhook', () => {
  beforeEach(() => {
    delete process.env.DOCKET_WEBHOOK_URL;
  });

  it('delivers to the outbox itself, once per invocation', async () => {
    const first = await activityEnv('case-8', '1').run(notify, { to: 'ana@example.com', subject: 'Hello' });
    const again = await activityEnv('case-8', '1', 2).run(notify, { to: 'ana@example.com', subject: 'Hello' });

    expect(first).toEqual({ key: 'case-8:run-1:1', delivered: true, duplicate: false });
    expect(again).toEqual({ key: 'case-8:run-1:1', delivered: true, duplicate: true });
    const rows = listOutbox({ workflowId: 'case-8' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'outbox', attempts: 0, body: null, data: undefined });
    expect(rows[0].deliveredAt).toBe(rows[0].createdAt);
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('notify input', () => {
  it('rejects a missing recipient as a non-retryable input error and queues nothing', async () => {
    const failure = await failureOf(activityEnv('case-9', '1').run(notify, { subject: 'Hello' } as never));

    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe(INVALID_ACTIVITY_INPUT);
    expect(failure.message).toBe('notify: missing "to" (the recipient); set it in the invoke\'s with: map');
    expect(listOutbox({ workflowId: 'case-9' })).toHaveLength(0);
    expect(receiver.requests).toHaveLength(0);
  });

  it('says which field has the wrong type', async () => {
    await expect(activityEnv('case-9', '2').run(notify, { to: 42, subject: 'Hello' } as never)).rejects.toThrow(
      'notify: "to" (the recipient) must be a string, got number 42; set it in the invoke\'s with: map',
    );
    await expect(activityEnv('case-9', '3').run(notify, { to: 'ana', subject: '  ' })).rejects.toThrow(
      'notify: "subject" (the message subject) is empty',
    );
  });
});
