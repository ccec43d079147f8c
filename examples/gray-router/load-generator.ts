/**
 * Sends real requests to a loopback URL at a steady rate, for a bounded number of requests or a
 * bounded time (one of the two is required), so a gray release has traffic to measure. Refuses
 * any host that is not loopback: this is a test tool, not a load-testing tool for other machines.
 *
 * @example
 *   const load = startLoad({ url: router.url, ratePerSecond: 200, maxDurationMs: 60_000 });
 *   … // run the release
 *   const summary = await load.stop(); // { sent, ok, failed, byVersion: { v1: {...}, v2: {...} } }
 */
import http from 'node:http';

export interface LoadOptions {
  /** Where to send, e.g. the router's URL; the host must be loopback. */
  url: string;
  /** Requests per second (default 100). */
  ratePerSecond?: number;
  /** Requests in flight at most (default 16). */
  concurrency?: number;
  /** Stop after this many requests. */
  maxRequests?: number;
  /** Stop after this long (ms). */
  maxDurationMs?: number;
  /** Paths requested in turn (default `["/"]`). */
  paths?: string[];
}

export interface LoadSummary {
  sent: number;
  /** Answers with status < 500. */
  ok: number;
  /** Answers with status >= 500, and requests that got no answer. */
  failed: number;
  /** By the `x-gray-version` header of the answer (`unknown` without one). */
  byVersion: Record<string, { ok: number; failed: number }>;
  durationMs: number;
}

export interface LoadRun {
  /** Resolves when a bound is reached or `stop()` was called. */
  done: Promise<LoadSummary>;
  /** Stops sending, waits for requests in flight, and returns the summary. */
  stop(): Promise<LoadSummary>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function startLoad(options: LoadOptions): LoadRun {
  const target = new URL(options.url);
  if (!LOOPBACK.has(target.hostname)) throw new Error(`the load generator only sends to loopback, not to ${target.hostname}`);
  if (target.protocol !== 'http:') throw new Error(`the load generator speaks plain http, not ${target.protocol}`);
  if (options.maxRequests === undefined && options.maxDurationMs === undefined) {
    throw new Error('give maxRequests or maxDurationMs: the load generator never runs unbounded');
  }
  const rate = options.ratePerSecond ?? 100;
  if (!(rate > 0)) throw new RangeError(`ratePerSecond must be more than 0, got ${rate}`);
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const maxRequests = options.maxRequests ?? Number.POSITIVE_INFINITY;
  const paths = options.paths?.length ? options.paths : ['/'];
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

  const summary: LoadSummary = { sent: 0, ok: 0, failed: 0, byVersion: {}, durationMs: 0 };
  const started = Date.now();
  const endsAt = options.maxDurationMs === undefined ? Number.POSITIVE_INFINITY : started + options.maxDurationMs;
  let stopped = false;
  let issued = 0;

  const count = (version: string, ok: boolean) => {
    const v = (summary.byVersion[version] ??= { ok: 0, failed: 0 });
    if (ok) {
      summary.ok++;
      v.ok++;
    } else {
      summary.failed++;
      v.failed++;
    }
  };

  const send = (path: string) =>
    new Promise<void>((resolve) => {
      const req = http.get(new URL(path, target), { agent, timeout: 10_000 }, (res) => {
        const version = String(res.headers['x-gray-version'] ?? 'unknown');
        res.resume();
        res.on('end', () => {
          count(version, (res.statusCode ?? 599) < 500);
          resolve();
        });
        res.on('error', () => {
          count(version, false);
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        count('unknown', false);
        resolve();
      });
    });

  /** Sleeps until `at` (ms since the epoch) or until stopped. */
  const sleepers = new Set<() => void>();
  const sleepUntil = (at: number) =>
    new Promise<void>((resolve) => {
      const ms = at - Date.now();
      if (ms <= 0 || stopped) return resolve();
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  const worker = async () => {
    for (;;) {
      if (stopped || issued >= maxRequests) return;
      const i = issued++;
      const at = started + (i * 1000) / rate;
      if (at >= endsAt) return;
      await sleepUntil(at);
      if (stopped) return;
      summary.sent++;
      await send(paths[i % paths.length]);
    }
  };

  const done = Promise.all(Array.from({ length: concurrency }, worker)).then(() => {
    agent.destroy();
    summary.durationMs = Date.now() - started;
    return summary;
  });

  return {
    done,
    stop: () => {
      stopped = true;
      for (const wake of [...sleepers]) wake();
      return done;
    },
  };
}

/** Sends a bounded load and resolves with its summary. */
export function runLoad(options: LoadOptions): Promise<LoadSummary> {
  return startLoad(options).done;
}
