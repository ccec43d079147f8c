/**
 * A small HTTP service to release: it answers `GET /<anything>` with its version as JSON. A
 * faulty build is the same service started with `errorRate` (that share of requests gets a 503)
 * and/or `extraLatencyMs` (added to every answer). Faults are spread evenly, not random, so a
 * test knows how many to expect.
 *
 * @example
 *   const v1 = await startSampleService({ version: 'v1' });
 *   const v2 = await startSampleService({ version: 'v2', errorRate: 0.3 }); // 3 in 10 requests fail
 *   await v2.stop();
 */
import http from 'node:http';
import { closeServer, listenOnLoopback } from './loopback';

export interface SampleServiceOptions {
  version: string;
  /** Share of requests answered with 503, from 0 (healthy, the default) to 1. */
  errorRate?: number;
  /** Milliseconds added to every answer (default 0). */
  extraLatencyMs?: number;
  /** Port on 127.0.0.1 (default: any free port). */
  port?: number;
}

export interface SampleService {
  version: string;
  url: string;
  /** Requests answered so far, and how many of them failed on purpose. */
  counts(): { served: number; failed: number };
  stop(): Promise<void>;
}

export async function startSampleService(options: SampleServiceOptions): Promise<SampleService> {
  const { version } = options;
  const errorRate = options.errorRate ?? 0;
  const extraLatencyMs = options.extraLatencyMs ?? 0;
  if (!(errorRate >= 0 && errorRate <= 1)) throw new RangeError(`errorRate must be from 0 to 1, got ${errorRate}`);
  if (!(extraLatencyMs >= 0)) throw new RangeError(`extraLatencyMs must be 0 or more, got ${extraLatencyMs}`);
  let served = 0;
  let failed = 0;
  let credit = 0;
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer((req, res) => {
    req.resume();
    const answer = () => {
      served++;
      credit += errorRate;
      if (credit >= 1 - 1e-9) {
        credit -= 1;
        failed++;
        res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ version, error: 'injected fault' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version, path: req.url, ok: true }));
    };
    if (extraLatencyMs === 0) return answer();
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer();
    }, extraLatencyMs);
    timers.add(timer);
  });
  const port = await listenOnLoopback(server, options.port);

  return {
    version,
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ served, failed }),
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await closeServer(server);
    },
  };
}
