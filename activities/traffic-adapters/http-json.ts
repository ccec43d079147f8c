/**
 * One JSON request to an adapter's system, bounded by a timeout and the activity's cancellation,
 * with the answer classified for Temporal: unreachable, 5xx or not JSON is retryable; 4xx is not.
 */
import { ApplicationFailure } from '@temporalio/common';

/** Per-request timeout; override with `DOCKET_ROUTER_TIMEOUT_MS`. */
export const DEFAULT_ROUTER_TIMEOUT_MS = 5_000;

export interface JsonRequest {
  /** Who is asking, for messages: the activity name. */
  activity: string;
  /** What is asked, for messages: `router`, `Prometheus`. */
  system: string;
  url: string;
  method: string;
  body?: string;
  signal: AbortSignal;
  /** Failure types: `unavailable` is retried, `refused` is not. */
  types: { unavailable: string; refused: string };
}

export async function requestJson(req: JsonRequest): Promise<unknown> {
  const { activity, system, url, signal: cancelled } = req;
  const ms = Number(process.env.DOCKET_ROUTER_TIMEOUT_MS) > 0 ? Number(process.env.DOCKET_ROUTER_TIMEOUT_MS) : DEFAULT_ROUTER_TIMEOUT_MS;
  // A controller and a timer rather than AbortSignal.any (see notify.ts: weakly held on Node 20).
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${ms}ms`)), ms);
  const onCancel = () => controller.abort(cancelled.reason);
  if (cancelled.aborted) onCancel();
  else cancelled.addEventListener('abort', onCancel, { once: true });
  let response: Response;
  try {
    response = await fetch(url, {
      method: req.method,
      body: req.body,
      headers: req.body ? { 'content-type': 'application/json' } : undefined,
      redirect: 'error',
      signal: controller.signal,
    });
  } catch (err) {
    if (cancelled.aborted) throw cancelled.reason ?? err;
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    throw ApplicationFailure.retryable(
      `${activity}: ${system} ${url} unreachable: ${(err as Error).message}${cause}`,
      req.types.unavailable,
    );
  } finally {
    clearTimeout(timer);
    cancelled.removeEventListener('abort', onCancel);
  }
  const text = await response.text();
  if (response.status >= 500)
    throw ApplicationFailure.retryable(`${activity}: ${system} answered ${response.status}: ${text.slice(0, 200)}`, req.types.unavailable);
  if (!response.ok)
    throw ApplicationFailure.nonRetryable(
      `${activity}: ${system} refused ${req.method} ${url}: ${response.status} ${text.slice(0, 200)}`,
      req.types.refused,
    );
  try {
    return JSON.parse(text);
  } catch {
    throw ApplicationFailure.retryable(
      `${activity}: ${system} answered something that is not JSON: ${text.slice(0, 200)}`,
      req.types.unavailable,
    );
  }
}
