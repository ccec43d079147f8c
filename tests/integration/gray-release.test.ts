/**
 * Gray release on a real Temporal server with real traffic: a weighted router on loopback in
 * front of two versions of a sample service (examples/gray-router), and the shipped definition
 * with short bake, interval and monitoring timings.
 *
 * Traffic is sent on demand: each health check first sends 100 real requests through the router
 * (`trafficPerCheck`), so every check measures a known number of requests, split exactly by the
 * weight, however loaded the machine. No assertion counts what happened in a stretch of real
 * time: how many interval checks fit in a bake depends on the machine, so the test checks that
 * the ones that ran were counted and judged, not how many there were.
 */
import { listOutbox } from '../../activities';
import { EventRejectedError, type StateView } from '../../client';
import type { EventInput, TimelineEntry } from '../../contract/wire';
import { runLoad, startGrayEnvironment, type GrayEnvironment } from '../../examples/gray-router';
import { withTimings } from '../support/test-definitions';
import { startHarness, type Harness } from '../support/harness';

const as = (role: string, id: string) => ({ id, roles: [role] });
const thresholds = { maxErrorRate: 0.05, maxP95Ms: 300, minRequests: 3 };
/** The shipped stages and thresholds' shape; seconds instead of minutes and hours. */
const fast = withTimings('gray-release', {
  bakeTime: '1500ms',
  checkInterval: '400ms',
  monitoringWindow: '1500ms',
  health: [{ then: thresholds }],
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** Requests sent through the router before each health check: 5 of them reach the canary at 5 %. */
const PER_CHECK = 100;

/** A router with both versions, sending PER_CHECK requests before each health check, for one test. */
async function traffic(
  canary: { errorRate?: number; extraLatencyMs?: number } = {},
): Promise<{ env: GrayEnvironment; stop(): Promise<void> }> {
  const env = await startGrayEnvironment({ canary, trafficPerCheck: PER_CHECK });
  return { env, stop: () => env.stop() };
}

const change = (routerUrl: string, extra: Record<string, unknown> = {}) => ({
  changeId: 'CHG-2048',
  title: 'Checkout service v2',
  service: 'checkout',
  version: 'v2',
  routerUrl,
  requestedBy: 'eli.eng',
  testEvidence: 'staging soak 24h, load test report #77',
  ...extra,
});

async function waitFor(id: string, what: string, ok: (view: StateView) => boolean): Promise<StateView> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const view = await h.docket.state(id);
    if (ok(view)) return view;
    if (Date.now() > deadline) throw new Error(`${id} never reached ${what}; it is in ${view.state.join(', ')} (${view.status})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const invokes = (timeline: TimelineEntry[], activity: string) =>
  timeline.filter((e): e is Extract<TimelineEntry, { kind: 'invoke' }> => e.kind === 'invoke' && e.activity === activity);

async function updateEvents(id: string): Promise<number> {
  const events: Array<{ eventType: string }> = JSON.parse(await h.docket.history(id)).events;
  return events.filter((e) => /UPDATE/.test(e.eventType)).length;
}

/** An event that must be refused by the Update validator, leaving no update in history. */
async function expectRefused(id: string, event: EventInput, code: string, message: RegExp): Promise<void> {
  const before = await updateEvents(id);
  const err = await h.docket.send(id, event).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(EventRejectedError);
  expect((err as EventRejectedError).code).toBe(code);
  expect((err as Error).message).toMatch(message);
  expect(await updateEvents(id)).toBe(before);
}

describe('gray release with real traffic', () => {
  it('promotes a healthy version through 5, 25, 50 and 100 %, monitors it and closes the change', async () => {
    const t = await traffic();
    try {
      const id = h.caseId('healthy');
      await h.docket.start({ definition: fast, id, input: change(t.env.routerUrl) });
      await h.docket.send(id, { type: 'APPROVE', actor: as('change_manager', 'cm.chen') });
      const result = await h.docket.result(id);
      const timeline = await h.docket.timeline(id);

      expect(result.outcome).toBe('closed');
      expect(t.env.router.weight()).toBe(100);
      const stages = result.context.stageResults as Array<{ weight: number; requests: number; errorRate: number }>;
      expect(stages.map((s) => s.weight)).toEqual([5, 25, 50, 100]);
      for (const s of stages) {
        expect(s.requests).toBeGreaterThanOrEqual(thresholds.minRequests);
        expect(s.errorRate).toBe(0);
      }
      expect(result.context).toMatchObject({ approvedBy: 'cm.chen', weight: 100, interventions: [] });
      // Every check that ran measured the requests sent for it and found them healthy. How many
      // interval checks fit in a bake depends on the machine, so they are not counted; the four
      // gate checks, one per stage, are.
      const checks = invokes(timeline, 'checkHealth');
      for (const c of checks) expect(c.output).toMatchObject({ verdict: 'healthy', errors: 0 });
      expect(checks.filter((c) => c.state === 'releasing.gate')).toHaveLength(4);
      expect(result.context.lastCheck).toMatchObject({ verdict: 'healthy' });
      const weights = invokes(timeline, 'setTrafficWeight').map((e) => (e.output as { weight: number }).weight);
      expect(weights).toEqual([5, 25, 50, 100]);
      const path = timeline.filter((e) => e.kind === 'transition').map((e) => (e as { to: string[] }).to.join());
      expect(path.filter((p) => p === 'releasing.setting_weight')).toHaveLength(4);
      expect(path.slice(-2)).toEqual(['closing', 'closed']);
      expect(path).toContain('releasing.monitoring.waiting');
      // The canary really served its share: at least the whole batch of the 100 % gate check.
      expect(t.env.canary.counts().served).toBeGreaterThanOrEqual(PER_CHECK);
      expect(listOutbox({ workflowId: id }).map((m) => m.recipient)).toEqual(['eli.eng']);
    } finally {
      await t.stop();
    }
  });

  it('rolls a faulty version back to 0 % when a health check fails, with the failing measurement in the timeline', async () => {
    const t = await traffic({ errorRate: 0.5 });
    try {
      const id = h.caseId('faulty');
      await h.docket.start({ definition: fast, id, input: change(t.env.routerUrl) });
      await h.docket.send(id, { type: 'APPROVE', actor: as('change_manager', 'cm.chen') });
      const result = await h.docket.result(id);
      const timeline = await h.docket.timeline(id);

      expect(result.outcome).toBe('rolled_back');
      expect(t.env.router.weight()).toBe(0);
      const failure = result.context.failure as {
        verdict: string;
        version: string;
        errorRate: number;
        errors: number;
        requests: number;
        reasons: string[];
        weight: number;
      };
      expect(failure).toMatchObject({ verdict: 'unhealthy', version: 'v2', weight: 5, maxErrorRate: 0.05 });
      expect(failure.errorRate).toBeGreaterThan(0.05);
      expect(failure.reasons[0]).toMatch(/^error rate \d+\.\d% > 5\.0% \(\d+ of \d+ requests failed\)$/);
      expect(result.context).toMatchObject({ weight: 0, rolledBackFrom: 5 });

      const failed = invokes(timeline, 'checkHealth').filter((e) => (e.output as { verdict?: string })?.verdict === 'unhealthy');
      expect(failed).toHaveLength(1);
      expect(failed[0].output).toEqual(failure);
      const path = timeline.filter((e) => e.kind === 'transition').map((e) => (e as { to: string[] }).to.join());
      expect(path.slice(-3)).toEqual(['rolling_back', 'reporting_rollback', 'rolled_back']);
      // The failing check is the first stage's: an interval check during the bake, or the gate's
      // check at its end when the machine was too busy for an interval check to run first (seen
      // under load). Either way no stage after the first was entered.
      expect(path.filter((p) => p === 'releasing.setting_weight')).toHaveLength(1);
      const told = listOutbox({ workflowId: id });
      expect(told).toEqual([
        expect.objectContaining({
          recipient: 'release_manager,eli.eng',
          subject: expect.stringMatching(/^Change CHG-2048 rolled back from 5%: error rate/),
        }),
      ]);

      // After the rollback every request is served by the stable version again.
      t.env.router.reset();
      await runLoad({ url: t.env.routerUrl, maxRequests: 50, ratePerSecond: 100_000 });
      const after = t.env.router.stats();
      expect(after.versions.v2.requests).toBe(0);
      expect(after.versions.v1.requests).toBe(50);
    } finally {
      await t.stop();
    }
  });

  it('rolls back a version whose p95 latency breaks the threshold', async () => {
    const t = await traffic({ extraLatencyMs: 400 });
    try {
      const id = h.caseId('slow');
      await h.docket.start({ definition: fast, id, input: change(t.env.routerUrl) });
      await h.docket.send(id, { type: 'APPROVE', actor: as('change_manager', 'cm.chen') });
      const result = await h.docket.result(id);
      expect(result.outcome).toBe('rolled_back');
      const failure = result.context.failure as { p95Ms: number; reasons: string[] };
      expect(failure.p95Ms).toBeGreaterThanOrEqual(400);
      expect(failure.reasons).toContainEqual(expect.stringMatching(/^p95 latency \d+(\.\d)? ms > 300 ms$/));
    } finally {
      await t.stop();
    }
  });

  it('does not promote a stage without evidence: too few requests pauses it for a release manager', async () => {
    const env = await startGrayEnvironment();
    try {
      const id = h.caseId('no-traffic');
      await h.docket.start({
        definition: withTimings('gray-release', { bakeTime: '800ms', checkInterval: '300ms', health: [{ then: thresholds }] }),
        id,
        input: change(env.routerUrl),
      });
      await h.docket.send(id, { type: 'APPROVE', actor: as('change_manager', 'cm.chen') });
      const paused = await waitFor(id, 'paused', (v) => v.state.includes('releasing.stage.progress.paused'));
      expect(paused.context.interventions).toEqual([expect.objectContaining({ event: 'PAUSE', by: 'health gate', weight: 5 })]);
      expect((paused.context.lastCheck as { verdict: string }).verdict).toBe('inconclusive');
      expect(env.router.weight()).toBe(5);
      await h.docket.send(id, { type: 'ABORT', actor: as('release_manager', 'rita.rm'), data: { reason: 'no traffic to judge' } });
      expect((await h.docket.result(id)).outcome).toBe('aborted');
      expect(env.router.weight()).toBe(0);
    } finally {
      await env.stop();
    }
  });
});

describe('manual decisions, each by the roles the definition names', () => {
  let t: Awaited<ReturnType<typeof traffic>>;
  let id: string;
  beforeAll(async () => {
    t = await traffic();
    id = h.caseId('manual');
    // Long bake: only people move this release on.
    await h.docket.start({
      definition: withTimings('gray-release', { bakeTime: '1h', checkInterval: '500ms', health: [{ then: thresholds }] }),
      id,
      input: change(t.env.routerUrl),
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('approves only by a change manager who did not request the change', async () => {
    await expectRefused(
      id,
      { type: 'APPROVE', actor: as('engineer', 'eli.eng') },
      'ROLE_NOT_ALLOWED',
      /may not send APPROVE; events.APPROVE.by allows: change_manager/,
    );
    await expectRefused(
      id,
      { type: 'APPROVE', actor: as('change_manager', 'eli.eng') },
      'GUARD_FAILED',
      /a change is approved by someone other than its requester/,
    );
    await h.docket.send(id, { type: 'APPROVE', actor: as('change_manager', 'cm.chen') });
    const view = await waitFor(id, 'baking', (v) => v.state.includes('releasing.stage.progress.baking'));
    expect(view.context.weight).toBe(5);
    expect(view.allowed).toMatchObject({
      engineer: [],
      change_manager: [],
      sre: ['ABORT', 'PAUSE'],
      release_manager: ['ABORT', 'PAUSE', 'PROMOTE'],
    });
  });

  it('pauses and resumes by the right roles; health checks go on while paused', async () => {
    await expectRefused(
      id,
      { type: 'PAUSE', actor: as('engineer', 'eli.eng') },
      'ROLE_NOT_ALLOWED',
      /may not send PAUSE; events.PAUSE.by allows: release_manager, sre/,
    );
    const paused = await h.docket.send(id, { type: 'PAUSE', actor: as('sre', 'sid.sre'), data: { reason: 'watching a dependency' } });
    expect(paused.state).toContain('releasing.stage.progress.paused');
    const checks = (await h.docket.state(id)).context.checks as number;
    await waitFor(
      id,
      'a health check while paused',
      (v) => (v.context.checks as number) > checks && v.state.includes('releasing.stage.progress.paused'),
    );

    await expectRefused(id, { type: 'RESUME', actor: as('change_manager', 'cm.chen') }, 'ROLE_NOT_ALLOWED', /may not send RESUME/);
    await expectRefused(id, { type: 'PAUSE', actor: as('sre', 'sid.sre') }, 'EVENT_NOT_ALLOWED', /PAUSE is not allowed in state/);
    const resumed = await h.docket.send(id, { type: 'RESUME', actor: as('release_manager', 'rita.rm') });
    expect(resumed.state).toContain('releasing.stage.progress.baking');
  });

  it('promotes early only by a release manager', async () => {
    await expectRefused(
      id,
      { type: 'PROMOTE', actor: as('sre', 'sid.sre') },
      'ROLE_NOT_ALLOWED',
      /may not send PROMOTE; events.PROMOTE.by allows: release_manager/,
    );
    await h.docket.send(id, { type: 'PROMOTE', actor: as('release_manager', 'rita.rm'), data: { note: 'metrics clean' } });
    await waitFor(id, 'stage 25 %', (v) => v.context.weight === 25 && v.state.includes('releasing.stage.progress.baking'));
    expect(t.env.router.weight()).toBe(25);
  });

  it('refuses an abort from a role the definition does not name, and aborts back to 0 % for one it does', async () => {
    await expectRefused(
      id,
      { type: 'ABORT', actor: as('engineer', 'eli.eng'), data: { reason: 'I changed my mind' } },
      'ROLE_NOT_ALLOWED',
      /eli.eng \(role engineer\) may not send ABORT; events.ABORT.by allows: release_manager, sre/,
    );
    await expectRefused(
      id,
      { type: 'ABORT', actor: as('change_manager', 'cm.chen'), data: { reason: 'x' } },
      'ROLE_NOT_ALLOWED',
      /may not send ABORT/,
    );
    expect(t.env.router.weight()).toBe(25);
    await h.docket.send(id, { type: 'ABORT', actor: as('sre', 'sid.sre'), data: { reason: 'customer reports from the 25% cohort' } });
    const result = await h.docket.result(id);
    const timeline = await h.docket.timeline(id);
    expect(result.outcome).toBe('aborted');
    expect(t.env.router.weight()).toBe(0);
    expect(
      (result.context.interventions as Array<{ event: string; by: string; weight: number }>).map((i) => [i.event, i.by, i.weight]),
    ).toEqual([
      ['PAUSE', 'sid.sre', 5],
      ['RESUME', 'rita.rm', 5],
      ['PROMOTE', 'rita.rm', 5],
      ['ABORT', 'sid.sre', 25],
    ]);
    const byPeople = timeline
      .filter((e) => e.kind === 'transition' && e.actor)
      .map((e) => `${(e as { event: string }).event}:${(e as { actor: { id: string } }).actor.id}`);
    expect(byPeople).toEqual(['APPROVE:cm.chen', 'PAUSE:sid.sre', 'RESUME:rita.rm', 'PROMOTE:rita.rm', 'ABORT:sid.sre']);
  });
});
