/**
 * The demo's gray releases, on real traffic: a weighted router on loopback in front of v1 and v2
 * of a sample service, and a load generator sending 200 requests a second through it. Two
 * changes run on the shipped definition with demo timings (seconds instead of the YAML's 30m
 * bake, 1m interval and 2h monitoring; the thresholds are the YAML's, with fewer requests needed
 * per check because the demo's stages are short):
 *
 * 1. a healthy v2, promoted 5 → 25 → 50 → 100 %, monitored, closed;
 * 2. a faulty v2 (3 in 10 requests answer 503), rolled back to 0 % by the first failed check.
 *
 * Starts and stops everything it needs. Returns each case's final state; the caller prints the timelines.
 */
import { join } from 'node:path';
import { bundleFromFile, type ProcessClient, type StateView } from '../client';
import { startGrayEnvironment, startLoad } from '../examples/gray-router';
import { withDecisions } from '../examples/definition-overrides';
import { decisionTable } from '../dsl/decision-table';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runGrayReleaseDemo(
  docket: ProcessClient,
  say: (line: string) => void,
): Promise<Array<{ id: string; view: StateView }>> {
  const shipped = await bundleFromFile(join(__dirname, '..', 'definitions', 'gray-release.yaml'));
  const health = decisionTable(shipped.definition.decisions?.health).rules[0]?.then as Record<string, number>;
  const release = withDecisions(shipped.definition, {
    bakeTime: '2s',
    checkInterval: '500ms',
    monitoringWindow: '2s',
    health: [{ then: { ...health, minRequests: 5 } }],
  });
  say(
    `\nGray release — demo timings: bake 2s, health every 500ms, monitoring 2s; thresholds from the YAML: ` +
      `error rate ≤ ${(health.maxErrorRate * 100).toFixed(0)}%, p95 ≤ ${health.maxP95Ms}ms.`,
  );
  const run = Date.now().toString(36);
  const results: Array<{ id: string; view: StateView }> = [];
  const cases = [
    { id: `demo-${run}-release-healthy`, canary: {}, label: 'healthy v2' },
    { id: `demo-${run}-release-faulty`, canary: { errorRate: 0.3 }, label: 'faulty v2 (30% 503s)' },
  ];
  for (const c of cases) {
    const env = await startGrayEnvironment({ canary: c.canary });
    const load = startLoad({ url: env.routerUrl, ratePerSecond: 200, maxDurationMs: 120_000 });
    try {
      say(`  ${c.id}: ${c.label} behind the router at ${env.routerUrl}, 200 requests/s of load`);
      await docket.start({
        definition: release,
        id: c.id,
        input: {
          changeId: c.id.replace(/^demo-/, 'CHG-'),
          title: 'Checkout service v2',
          service: 'checkout',
          version: 'v2',
          routerUrl: env.routerUrl,
          requestedBy: 'eli.eng',
          testEvidence: 'staging soak, load test report',
          rollbackPlan: 'weight back to 0 on the router',
        },
      });
      await pause(300);
      await docket.send(c.id, { type: 'APPROVE', actor: { id: 'cm.chen', roles: ['change_manager'] }, data: { note: 'low-risk window' } });
      await docket.result(c.id);
      const view = await docket.state(c.id);
      const summary = await load.stop();
      say(
        `  ${c.id}: ${view.outcome}; router weight now ${env.router.weight()}%; load sent ${summary.sent} (v1 ${fmt(summary.byVersion.v1)}, v2 ${fmt(summary.byVersion.v2)})`,
      );
      const stages = (view.context.stageResults ?? []) as Array<{ weight: number; requests: number; errorRate: number; p95Ms: number }>;
      for (const s of stages)
        say(`    stage ${s.weight}%: ${s.requests} requests to v2, error rate ${(s.errorRate * 100).toFixed(1)}%, p95 ${s.p95Ms}ms`);
      const failure = view.context.failure as { weight: number; reasons: string[]; requests: number } | undefined;
      if (failure) say(`    failing measurement at ${failure.weight}%: ${failure.reasons.join('; ')}`);
      results.push({ id: c.id, view });
    } finally {
      await load.stop();
      await env.stop();
    }
  }
  return results;
}

function fmt(counts: { ok: number; failed: number } | undefined): string {
  return counts ? `${counts.ok} ok, ${counts.failed} failed` : 'none';
}
