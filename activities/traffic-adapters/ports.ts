/**
 * What the gray-release activities need from the outside world, as two small interfaces, so a
 * real release can put docket in front of whatever shifts its traffic (a gateway, a service
 * mesh) and whatever measures it (Prometheus), without rewriting the activities:
 *
 * - `TrafficShifter` sets and reads the new version's share of requests;
 * - `HealthSource` counts the new version's requests, failures and latency in a time window.
 *
 * The adapters: `http-admin.ts` (both, over a small HTTP admin API; the loopback router in
 * examples/gray-router speaks it) and `prometheus.ts` (health from PromQL queries). The worker
 * picks them from its configuration (`select.ts`). Adapters throw `ApplicationFailure`s whose
 * type says whether a retry can help (`errors.ts`).
 */

/** Where the traffic of one release is shifted: the activity input's `routerUrl`. */
export interface TrafficTarget {
  /** Base URL of the router or gateway admin API, e.g. `http://127.0.0.1:4100`. */
  routerUrl: string;
}

export interface WeightChange {
  weight: number;
  /** The weight before this change. */
  previous: number;
}

export interface TrafficShifter {
  /** Sets the share of requests (0–100) the new version gets. Idempotent: a retry sets it again. */
  setWeight(target: TrafficTarget, weight: number, signal: AbortSignal): Promise<WeightChange>;
  /** The new version's current share (0–100). */
  currentWeight(target: TrafficTarget, signal: AbortSignal): Promise<number>;
}

/** Counters of one version's requests in a window. */
export interface VersionCounts {
  requests: number;
  /** Failed requests (5xx). */
  errors: number;
  /** 95th-percentile latency in milliseconds (0 when there were no requests). */
  p95Ms: number;
}

export interface HealthWindow {
  /** Window start, ms since the epoch (0: as far back as the source keeps). */
  since: number;
}

export interface HealthReading extends VersionCounts {
  /** The window actually measured (ms since the epoch). */
  since: number;
  until: number;
  /** The new version's share when measured, when the source knows it (else the shifter is asked). */
  weight?: number;
}

export interface HealthSource {
  /** Counts `version`'s requests in the window. */
  measure(target: TrafficTarget, version: string, window: HealthWindow, signal: AbortSignal): Promise<HealthReading>;
}
