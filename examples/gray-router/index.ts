/**
 * Real traffic for gray releases on loopback, for the demo and the tests (not part of the
 * product): a weighted router in front of two versions of a sample service, and a load
 * generator. The router speaks the admin API of docket's `http-admin` traffic and health adapter
 * (activities/traffic/http-admin.ts), so the shipped `setTrafficWeight` and `checkHealth`
 * activities drive and read it as they would a gateway that implements that API.
 *
 * @example
 *   const env = await startGrayEnvironment({ canary: { errorRate: 0.3 } });
 *   const load = startLoad({ url: env.routerUrl, ratePerSecond: 200, maxDurationMs: 60_000 });
 *   // … start a gray-release case with input.routerUrl = env.routerUrl …
 *   await load.stop();
 *   await env.stop();
 */
import { startRouter, type GrayRouter } from './router';
import { runLoad } from './load-generator';
import { startSampleService, type SampleService } from './sample-service';

export { startRouter, isWeight } from './router';
export type { GrayRouter, RouterOptions, RouterStats, Upstream, VersionStats } from './router';
export { startSampleService } from './sample-service';
export type { SampleService, SampleServiceOptions } from './sample-service';
export { runLoad, startLoad } from './load-generator';
export type { LoadOptions, LoadRun, LoadSummary } from './load-generator';

export interface GrayEnvironmentOptions {
  /** Version names (default `v1` stable, `v2` canary). */
  stableVersion?: string;
  canaryVersion?: string;
  /** How the canary misbehaves (default: healthy). */
  canary?: { errorRate?: number; extraLatencyMs?: number };
  /** The router's clock (default `Date.now`): tests pass their own. */
  now?: () => number;
  /**
   * Traffic on demand, for tests: before each stats read (each `checkHealth`), send exactly this
   * many requests through the router and wait for them. Every check then measures a known number
   * of requests (the split is deterministic: `weight` % of them reach the canary) however slow the
   * machine, instead of whatever a background load managed to send in a stretch of real time.
   * Default 0: no requests but the ones someone sends (the demo runs `startLoad`).
   */
  trafficPerCheck?: number;
}

export interface GrayEnvironment {
  routerUrl: string;
  router: GrayRouter;
  stable: SampleService;
  canary: SampleService;
  stop(): Promise<void>;
}

/** Starts both versions and the router in front of them (weight 0: all traffic on the stable one). */
export async function startGrayEnvironment(options: GrayEnvironmentOptions = {}): Promise<GrayEnvironment> {
  const stable = await startSampleService({ version: options.stableVersion ?? 'v1' });
  const canary = await startSampleService({ version: options.canaryVersion ?? 'v2', ...options.canary });
  let router: GrayRouter;
  try {
    const perCheck = options.trafficPerCheck ?? 0;
    router = await startRouter({
      stable: { version: stable.version, url: stable.url },
      canary: { version: canary.version, url: canary.url },
      ...(options.now ? { now: options.now } : {}),
      ...(perCheck > 0
        ? {
            beforeStats: () =>
              runLoad({ url: router.url, maxRequests: perCheck, ratePerSecond: 100_000, concurrency: 8 }).then(() => undefined),
          }
        : {}),
    });
  } catch (err) {
    await Promise.all([stable.stop(), canary.stop()]);
    throw err;
  }
  return {
    routerUrl: router.url,
    router,
    stable,
    canary,
    stop: async () => {
      await router.stop();
      await Promise.all([stable.stop(), canary.stop()]);
    },
  };
}
