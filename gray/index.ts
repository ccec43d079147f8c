/**
 * Real traffic for gray releases on loopback: a weighted router in front of two versions of a
 * sample service, and a load generator. The `setTrafficWeight` and `checkHealth` activities
 * (activities/traffic.ts) drive and read the router over its admin API.
 *
 * @example
 *   const env = await startGrayEnvironment({ canary: { errorRate: 0.3 } });
 *   const load = startLoad({ url: env.routerUrl, ratePerSecond: 200, maxDurationMs: 60_000 });
 *   // … start a gray-release case with input.routerUrl = env.routerUrl …
 *   await load.stop();
 *   await env.stop();
 */
import { startRouter, type GrayRouter } from './router';
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
    router = await startRouter({ stable: { version: stable.version, url: stable.url }, canary: { version: canary.version, url: canary.url } });
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
