/**
 * A weighted HTTP reverse proxy for gray releases: it listens on loopback in front of two
 * versions of a service (the stable one and the canary) and sends `weight` % of requests to the
 * canary. It counts the outcome and latency of every real request it proxies, per version, and
 * serves them on an admin API:
 *
 * - `GET  /admin/weight`          → `{ weight, stable, canary }`
 * - `PUT  /admin/weight`          `{ "weight": 25 }` → `{ weight, previous }` (400 when not 0–100)
 * - `GET  /admin/stats?since=<ms>` → `RouterStats` for requests that finished at or after `since`
 * - `POST /admin/reset`           → forgets every recorded request
 *
 * Everything else is proxied. The split is deterministic (a running credit, not a coin flip), so
 * any run of requests gets the share the weight asks for, spread evenly.
 *
 * @example
 *   const router = await startRouter({ stable: { version: 'v1', url: v1.url }, canary: { version: 'v2', url: v2.url } });
 *   await fetch(`${router.url}/admin/weight`, { method: 'PUT', body: JSON.stringify({ weight: 5 }) });
 *   await router.stop();
 */
import http from 'node:http';
import { closeServer, listenOnLoopback } from './loopback';

export interface Upstream {
  /** The version name reported in stats, e.g. `v1`. */
  version: string;
  /** Base URL, e.g. `http://127.0.0.1:4001`. */
  url: string;
}

export interface RouterOptions {
  stable: Upstream;
  canary: Upstream;
  /** Initial share of requests for the canary, 0–100 (default 0). */
  weight?: number;
  /** Port on 127.0.0.1 (default: any free port). */
  port?: number;
  /** Request records kept for stats; the oldest are dropped beyond this (default 200 000). */
  maxRecords?: number;
  /** An upstream that has not answered after this long gets a 504 (default 10 000 ms). */
  upstreamTimeoutMs?: number;
  /** The clock requests are stamped with and stats windows read (ms since the epoch; default `Date.now`). Tests pass their own. */
  now?: () => number;
  /**
   * Runs before `GET /admin/stats` answers, e.g. to send a batch of requests so that every health
   * check measures traffic that certainly happened inside its window (tests; see
   * `GrayEnvironmentOptions.trafficPerCheck`).
   */
  beforeStats?: () => Promise<void>;
}

/** Counters of one version's requests in a time window. */
export interface VersionStats {
  requests: number;
  /** Responses with status 500–599 (including the router's own 502/504 for a failed upstream). */
  errors: number;
  /** errors / requests (0 when there were none). */
  errorRate: number;
  /** Latency percentiles in milliseconds (nearest rank; 0 when there were no requests). */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Status code → count. */
  statuses: Record<string, number>;
}

export interface RouterStats {
  /** Window start (ms since the epoch): requests that finished at or after it are counted. */
  since: number;
  /** When the stats were taken (ms since the epoch). */
  until: number;
  weight: number;
  stable: string;
  canary: string;
  /** Version name → counters (both versions are always present). */
  versions: Record<string, VersionStats>;
}

export interface GrayRouter {
  url: string;
  port: number;
  weight(): number;
  setWeight(weight: number): { weight: number; previous: number };
  stats(since?: number): RouterStats;
  reset(): void;
  stop(): Promise<void>;
}

interface RequestRecord {
  at: number;
  version: string;
  status: number;
  ms: number;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

/** A weight is a number from 0 to 100 (a percentage of requests). */
export function isWeight(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 100;
}

export async function startRouter(options: RouterOptions): Promise<GrayRouter> {
  const { stable, canary } = options;
  if (stable.version === canary.version) throw new Error(`stable and canary must be different versions, both are "${stable.version}"`);
  let weight = options.weight ?? 0;
  if (!isWeight(weight)) throw new Error(`weight must be a number from 0 to 100, got ${JSON.stringify(weight)}`);
  const maxRecords = options.maxRecords ?? 200_000;
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  let records: RequestRecord[] = [];
  let credit = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  /** Deterministic split: the canary gets exactly `weight` % of any run of requests, evenly spread. */
  const pick = (): Upstream => {
    credit += weight;
    if (credit >= 100) {
      credit -= 100;
      return canary;
    }
    return stable;
  };

  const setWeight = (next: number) => {
    if (!isWeight(next)) throw new RangeError(`weight must be a number from 0 to 100, got ${JSON.stringify(next)}`);
    const previous = weight;
    weight = next;
    credit = 0;
    return { weight, previous };
  };

  const stats = (since = 0): RouterStats => {
    const until = now();
    const versions: Record<string, VersionStats> = {};
    for (const version of [stable.version, canary.version]) {
      versions[version] = summarise(records.filter((r) => r.version === version && r.at >= since));
    }
    return { since, until, weight, stable: stable.version, canary: canary.version, versions };
  };

  const record = (r: RequestRecord) => {
    records.push(r);
    if (records.length > maxRecords) records = records.slice(records.length - maxRecords);
  };

  const proxy = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const started = performance.now();
    const target = pick();
    let done = false;
    const finish = (status: number) => {
      if (done) return;
      done = true;
      record({ at: now(), version: target.version, status, ms: performance.now() - started });
    };
    const fail = (status: number, message: string) => {
      finish(status);
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain', 'x-gray-version': target.version });
      res.end(message);
    };
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    const upstream = http.request(
      new URL(req.url ?? '/', target.url),
      { method: req.method, headers, agent, timeout: upstreamTimeoutMs },
      (up) => {
        const out: http.OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
        out['x-gray-version'] = target.version;
        res.writeHead(up.statusCode ?? 502, out);
        up.pipe(res);
        up.on('end', () => finish(up.statusCode ?? 502));
        up.on('error', () => fail(502, 'upstream response broke off'));
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timeout')));
    upstream.on('error', (err) =>
      fail(err.message === 'upstream timeout' ? 504 : 502, `upstream ${target.version} failed: ${err.message}`),
    );
    req.pipe(upstream);
  };

  const admin = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (url.pathname === '/admin/weight' && req.method === 'GET')
      return reply(200, { weight, stable: stable.version, canary: canary.version });
    if (url.pathname === '/admin/weight' && req.method === 'PUT') {
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return reply(400, { error: 'body must be JSON: {"weight": <0–100>}' });
      }
      const next = (body as { weight?: unknown } | null)?.weight;
      if (!isWeight(next)) return reply(400, { error: `weight must be a number from 0 to 100, got ${JSON.stringify(next)}` });
      return reply(200, setWeight(next));
    }
    if (url.pathname === '/admin/stats' && req.method === 'GET') {
      const raw = url.searchParams.get('since');
      const since = raw === null || raw === '' ? 0 : Number(raw);
      if (!Number.isFinite(since)) return reply(400, { error: `since must be milliseconds since the epoch, got ${JSON.stringify(raw)}` });
      await options.beforeStats?.();
      return reply(200, stats(since));
    }
    if (url.pathname === '/admin/reset' && req.method === 'POST') {
      records = [];
      credit = 0;
      return reply(200, { reset: true });
    }
    return reply(404, {
      error: `no admin route ${req.method} ${url.pathname}; routes: GET/PUT /admin/weight, GET /admin/stats?since=, POST /admin/reset`,
    });
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://router.local');
    if (url.pathname === '/admin' || url.pathname.startsWith('/admin/')) {
      admin(req, res, url).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: (err as Error).message }));
      });
      return;
    }
    proxy(req, res);
  });
  const port = await listenOnLoopback(server, options.port);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    weight: () => weight,
    setWeight,
    stats,
    reset: () => {
      records = [];
      credit = 0;
    },
    stop: async () => {
      agent.destroy();
      await closeServer(server);
    },
  };
}

function summarise(records: RequestRecord[]): VersionStats {
  const statuses: Record<string, number> = {};
  let errors = 0;
  for (const r of records) {
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    if (r.status >= 500) errors++;
  }
  const latencies = records.map((r) => r.ms).sort((a, b) => a - b);
  const at = (p: number) =>
    latencies.length ? round(latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]) : 0;
  return {
    requests: records.length,
    errors,
    errorRate: records.length ? errors / records.length : 0,
    p50Ms: at(50),
    p95Ms: at(95),
    p99Ms: at(99),
    maxMs: latencies.length ? round(latencies[latencies.length - 1]) : 0,
    statuses,
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function readBody(req: http.IncomingMessage, limit = 64 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > limit) reject(new Error('request body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}
