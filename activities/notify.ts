/**
 * `notify`: queues a message in the durable outbox, once per invocation, and posts it to
 * `DOCKET_WEBHOOK_URL` when that is set.
 *
 * Exactly-once queueing, at-least-once posting: the outbox row is keyed by the activity's
 * idempotency key, so a retried attempt finds the row instead of adding a second message, and a
 * delivered row is never posted again. The one window left is a crash after the receiver
 * accepted the POST but before `delivered_at` was written; the next attempt posts again with
 * the same `Idempotency-Key` header, which the receiver uses to drop the repeat.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { activityKey } from './idempotency';
import { inputObject, optionalString, requiredString } from './input';
import { activityLogger } from './logger';
import { openStore } from './store';
import type { OutboxMessage } from './store-types';

export interface NotifyInput {
  /** The recipient (an address, a user id, a queue name: whatever the receiver understands). */
  to: string;
  subject: string;
  body?: string;
  /** Free-form channel name passed to the receiver (e.g. "email", "sms"). Default: "webhook" when a webhook is set, else "outbox". */
  channel?: string;
  /** Any JSON value, passed through to the receiver. */
  data?: unknown;
}

export interface NotifyResult {
  key: string;
  /** Always true when the activity returns: a failed delivery throws so Temporal retries it. */
  delivered: boolean;
  /** An earlier attempt of this same invocation had already delivered the message; nothing was sent this time. */
  duplicate: boolean;
}

/** Webhook request timeout; override with `DOCKET_WEBHOOK_TIMEOUT_MS`. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
/** Error type of a failed webhook delivery (retryable; list it in a retry policy's nonRetryableErrorTypes to stop). */
export const WEBHOOK_FAILED = 'WEBHOOK_FAILED';

export async function notify(input: NotifyInput): Promise<NotifyResult> {
  const fields = inputObject('notify', input);
  const to = requiredString('notify', fields, 'to', 'the recipient');
  const subject = requiredString('notify', fields, 'subject', 'the message subject');
  const body = optionalString('notify', fields, 'body');
  const channel = optionalString('notify', fields, 'channel');

  const ctx = Context.current();
  const key = activityKey();
  const log = activityLogger(key);
  const webhook = process.env.DOCKET_WEBHOOK_URL || undefined;
  const store = await openStore();
  const now = new Date().toISOString();

  const { inserted, message: row } = await store.queueMessage({
    key,
    workflowId: ctx.info.workflowExecution?.workflowId ?? null,
    runId: ctx.info.workflowExecution?.runId ?? null,
    activityId: ctx.info.activityId,
    channel: channel ?? (webhook ? 'webhook' : 'outbox'),
    recipient: to,
    subject,
    body: body ?? null,
    data: fields.data,
    createdAt: now,
    // Without a webhook the outbox row is the delivery.
    deliveredAt: webhook ? null : now,
  });
  // From here on, send what the outbox holds: on a retry that is what attempt 1 queued.

  if (row.deliveredAt) {
    if (inserted) log.info('notify: queued in the outbox', { to, subject });
    else log.info('notify: already delivered by an earlier attempt; not sending again', { deliveredAt: row.deliveredAt });
    return { key, delivered: true, duplicate: !inserted };
  }

  if (!webhook) {
    // An earlier attempt queued it while a webhook was configured; there is none now, so the
    // outbox row is the delivery.
    await store.markDelivered(key, now);
    log.info('notify: no webhook configured; delivered to the outbox', { to, subject });
    return { key, delivered: true, duplicate: false };
  }

  try {
    await post(webhook, key, row, ctx.cancellationSignal);
  } catch (err) {
    const message = errorMessage(err);
    await store.recordAttempt(key, { error: message });
    log.warn('notify: webhook delivery failed; failing the attempt so Temporal retries it', { error: message });
    // A cancelled activity reports the cancellation itself, not a delivery failure.
    if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason ?? err;
    throw ApplicationFailure.retryable(`notify: webhook ${redact(webhook)} failed: ${message}`, WEBHOOK_FAILED);
  }

  await store.recordAttempt(key, { deliveredAt: new Date().toISOString() });
  log.info('notify: delivered to the webhook', { to: row.recipient, subject: row.subject });
  return { key, delivered: true, duplicate: false };
}

/** POSTs the message; resolves on 2xx, throws otherwise. Aborts on activity cancellation or timeout. */
async function post(url: string, key: string, row: OutboxMessage, cancelled: AbortSignal): Promise<void> {
  const timeoutMs = webhookTimeoutMs();
  // Not AbortSignal.any([cancelled, AbortSignal.timeout(ms)]): on Node 20 the composite signal
  // holds its sources weakly, so a garbage-collected timeout signal never fires and a hung
  // receiver blocks the activity until its start-to-close timeout.
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(Object.assign(new Error(`timed out after ${timeoutMs}ms`), { name: 'TimeoutError' })),
    timeoutMs,
  );
  const onCancel = () => controller.abort(cancelled.reason);
  if (cancelled.aborted) onCancel();
  else cancelled.addEventListener('abort', onCancel, { once: true });
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({
        key,
        to: row.recipient,
        subject: row.subject,
        body: row.body ?? undefined,
        channel: row.channel,
        data: row.data,
      }),
      // A redirect would turn the POST into a GET and lose the message: treat it as a failure.
      redirect: 'error',
      signal: controller.signal,
    });
    if (!response.ok) {
      const text = (await response.text().catch(() => '')).slice(0, 200);
      throw new Error(`HTTP ${response.status}${text ? `: ${text}` : ''}`);
    }
    await response.body?.cancel();
  } finally {
    clearTimeout(timer);
    cancelled.removeEventListener('abort', onCancel);
  }
}

function webhookTimeoutMs(): number {
  const ms = Number(process.env.DOCKET_WEBHOOK_TIMEOUT_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_WEBHOOK_TIMEOUT_MS;
}

/** `fetch failed: connect ECONNREFUSED 127.0.0.1:9` rather than just `fetch failed`. */
function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

/** The URL without query string or credentials, which may hold secrets, for error messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(DOCKET_WEBHOOK_URL)';
  }
}
