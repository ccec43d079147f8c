/**
 * The `http-admin` adapter: traffic weights and health counters over a small HTTP admin API at
 * the activity input's `routerUrl`. Any router or gateway can be put behind docket by answering
 * these three routes (a shim in front of Envoy, NGINX, a mesh's API); the loopback router in
 * examples/gray-router implements them for the demo and the tests.
 *
 * - `PUT <routerUrl>/admin/weight` `{"weight": 25}` → `{"weight": 25, "previous": 5}`
 * - `GET <routerUrl>/admin/weight` → `{"weight": 25, …}`
 * - `GET <routerUrl>/admin/stats?since=<ms>` →
 *   `{"since", "until", "weight", "versions": {"v2": {"requests", "errors", "p95Ms", …}}}`
 *   (requests that finished at or after `since`; a version with none may be left out)
 */
import { ApplicationFailure } from '@temporalio/common';
import { ROUTER_REFUSED, ROUTER_UNAVAILABLE } from './errors';
import { requestJson } from './http-json';
import type { HealthReading, HealthSource, HealthWindow, TrafficShifter, TrafficTarget, WeightChange } from './ports';

const TYPES = { unavailable: ROUTER_UNAVAILABLE, refused: ROUTER_REFUSED };

interface StatsBody {
  since: number;
  until: number;
  weight: number;
  versions?: Record<string, { requests: number; errors: number; p95Ms: number } | undefined>;
}

export const httpAdminShifter: TrafficShifter = {
  async setWeight(target: TrafficTarget, weight: number, signal: AbortSignal): Promise<WeightChange> {
    const body = (await requestJson({
      activity: 'setTrafficWeight',
      system: 'router',
      url: `${target.routerUrl}/admin/weight`,
      method: 'PUT',
      body: JSON.stringify({ weight }),
      signal,
      types: TYPES,
    })) as Partial<WeightChange>;
    return { weight: numberField(body, 'weight', 'setTrafficWeight'), previous: numberField(body, 'previous', 'setTrafficWeight') };
  },
  async currentWeight(target: TrafficTarget, signal: AbortSignal): Promise<number> {
    const body = (await requestJson({
      activity: 'checkHealth',
      system: 'router',
      url: `${target.routerUrl}/admin/weight`,
      method: 'GET',
      signal,
      types: TYPES,
    })) as { weight?: unknown };
    return numberField(body, 'weight', 'checkHealth');
  },
};

export const httpAdminHealth: HealthSource = {
  async measure(target: TrafficTarget, version: string, window: HealthWindow, signal: AbortSignal): Promise<HealthReading> {
    const url = `${target.routerUrl}/admin/stats?since=${Math.floor(window.since)}`;
    const stats = (await requestJson({ activity: 'checkHealth', system: 'router', url, method: 'GET', signal, types: TYPES })) as StatsBody;
    const v = stats.versions?.[version] ?? { requests: 0, errors: 0, p95Ms: 0 };
    return { requests: v.requests, errors: v.errors, p95Ms: v.p95Ms, since: stats.since, until: stats.until, weight: stats.weight };
  },
};

function numberField(body: unknown, field: string, activity: string): number {
  const value = (body as Record<string, unknown> | null)?.[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw ApplicationFailure.retryable(
      `${activity}: the router's answer has no number "${field}": ${JSON.stringify(body).slice(0, 200)}`,
      ROUTER_UNAVAILABLE,
    );
  }
  return value;
}
