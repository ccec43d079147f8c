/**
 * Deadline vs wait verdicts (issue 13, "Done when" 2): the audit grades the timers a definition
 * declares as deadlines and never grades its waits, for a deadline declared on a parent state, an
 * escalation that moves the case to another state, an optional window and a completed case. The
 * re-run results are written out by hand: what `rerun` records for such a case (which timers were
 * armed, fired or cleared, and the transitions), so each verdict is checked on its own.
 */
import { deadlineReports, totals } from '../../../audit/deadlines';
import { deadlineVerdict } from '../../../audit/format';
import type { RerunDeadline, RerunResult, RerunTransition } from '../../../audit/rerun';
import type { ProcessDefinition } from '../../../dsl/types';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const agent = { id: 'ann', roles: ['agent'] };

function rerun(
  definition: ProcessDefinition,
  deadlines: RerunDeadline[],
  transitions: RerunTransition[],
  status: RerunResult['status'],
  endedAt: number,
): RerunResult {
  return {
    definition,
    deadlines,
    transitions,
    status,
    rejected: [],
    invocations: [],
    compensations: [],
    assumptions: [],
    visited: [],
    state: [],
    context: {},
    startedAt: at(0),
    endedAt: at(endedAt),
  };
}

const base = { process: 'p', title: 'P', roles: ['agent'], events: { TRIAGE: { by: ['agent'] }, ASSIGN: { by: ['agent'] } } };

describe('a deadline declared on a parent state', () => {
  // The events are taken by the child states; the deadline belongs to the whole triage step and
  // only reminds (no target), so the case stays in triage after it fires.
  const def = {
    ...base,
    initial: 'triage',
    states: {
      triage: {
        initial: 'queued',
        after: [{ name: 'VIP triage', kind: 'deadline', delay: '1h', assign: { late: 'true' } }],
        states: { queued: { on: { ASSIGN: 'assigned' } }, assigned: { on: { TRIAGE: 'triaged' } } },
      },
      triaged: { type: 'final', outcome: 'triaged' },
    },
  } as unknown as ProcessDefinition;
  const transitions: RerunTransition[] = [
    { at: at(20), event: 'ASSIGN', actor: agent, from: ['triage.queued'], to: ['triage.assigned'] },
    { at: at(90), event: 'TRIAGE', actor: agent, from: ['triage.assigned'], to: ['triaged'] },
  ];
  const deadline: RerunDeadline = {
    key: 'triage#0',
    name: 'VIP triage',
    state: 'triage',
    armedAt: at(0),
    due: at(60),
    status: 'fired',
    endedAt: at(60),
  };

  it('is missed, by the 30 minutes the triage came late, and counted', () => {
    const r = rerun(def, [deadline], transitions, 'completed', 90);
    const [report] = deadlineReports(r);
    expect(report).toMatchObject({ kind: 'deadline', kindDeclared: true, status: 'missed', lateByMs: 30 * 60_000 });
    expect(deadlineVerdict(report)).toBe(`MISSED by 30m (TRIAGE by ann (agent) at ${at(90)})`);
    expect(totals(r, [report], at(0)).deadlines).toEqual({ total: 1, met: 0, missed: 1, pending: 0 });
  });

  it('measures the first response (ASSIGN, inside the parent) against it', () => {
    const r = rerun(def, [deadline], transitions, 'completed', 90);
    const first = totals(r, deadlineReports(r), at(0)).firstResponse;
    expect(first).toMatchObject({ event: 'ASSIGN', met: true, target: { deadline: 'VIP triage', ms: 3_600_000 } });
  });
});

describe('an escalation that moves the case to another state', () => {
  const def = {
    ...base,
    events: { RESPOND: { by: ['agent'] } },
    initial: 'awaiting_response',
    states: {
      awaiting_response: {
        on: { RESPOND: 'handling' },
        after: [{ name: 'response deadline', kind: 'deadline', delay: '4h', target: 'escalating' }],
      },
      escalating: { always: 'awaiting_response' },
      handling: { after: [{ name: 'resolution target', kind: 'deadline', delay: '2d', target: 'handling' }], on: { RESPOND: 'done' } },
      done: { type: 'final', outcome: 'resolved' },
    },
  } as unknown as ProcessDefinition;
  const deadlines: RerunDeadline[] = [
    {
      key: 'awaiting_response#0',
      name: 'response deadline',
      state: 'awaiting_response',
      armedAt: at(0),
      due: at(240),
      status: 'fired',
      endedAt: at(240),
    },
    {
      key: 'awaiting_response#0',
      name: 'response deadline',
      state: 'awaiting_response',
      armedAt: at(240),
      due: at(480),
      status: 'cleared',
      endedAt: at(300),
    },
    { key: 'handling#0', name: 'resolution target', state: 'handling', armedAt: at(300), due: at(300 + 2880), status: 'pending' },
  ];
  const transitions: RerunTransition[] = [
    { at: at(240), event: 'after:response deadline', from: ['awaiting_response'], to: ['escalating'] },
    { at: at(240), event: 'always', from: ['escalating'], to: ['awaiting_response'] },
    { at: at(300), event: 'RESPOND', actor: agent, from: ['awaiting_response'], to: ['handling'] },
  ];
  const r = rerun(def, deadlines, transitions, 'running', 400);
  const reports = deadlineReports(r);

  it('grades the first arming missed, moved on to the escalation (not late by the response to the next level)', () => {
    expect(reports[0]).toMatchObject({ status: 'missed', movedTo: ['escalating'] });
    expect(reports[0].lateByMs).toBeUndefined();
    expect(reports[0].stillOpen).toBeUndefined();
    expect(deadlineVerdict(reports[0])).toBe('MISSED; the case moved on to escalating without it');
  });

  it('grades the re-armed deadline met by the response', () => {
    expect(reports[1]).toMatchObject({ status: 'met', marginMs: 180 * 60_000, by: { event: 'RESPOND' } });
  });

  it('measures the first response against the first response deadline, not the resolution target it armed', () => {
    const t = totals(r, reports, at(0));
    expect(t.firstResponse).toMatchObject({ event: 'RESPOND', met: false, target: { deadline: 'response deadline', ms: 240 * 60_000 } });
    // Armed at the same instant as the response, the resolution target would have called it met.
    expect(t.firstResponse?.target?.deadline).not.toBe('resolution target');
    expect(t.deadlines).toEqual({ total: 3, met: 1, missed: 1, pending: 1 });
  });
});

describe('a first response with no deadline before it', () => {
  it('has no target, rather than the resolution target the response itself armed', () => {
    const def = {
      ...base,
      events: { RESPOND: { by: ['agent'] } },
      initial: 'open',
      states: {
        open: { on: { RESPOND: 'handling' } },
        handling: { after: [{ name: 'resolution target', kind: 'deadline', delay: '2d', target: 'open' }] },
      },
    } as unknown as ProcessDefinition;
    const r = rerun(
      def,
      [{ key: 'handling#0', name: 'resolution target', state: 'handling', armedAt: at(30), due: at(30 + 2880), status: 'pending' }],
      [{ at: at(30), event: 'RESPOND', actor: agent, from: ['open'], to: ['handling'] }],
      'running',
      60,
    );
    const first = totals(r, deadlineReports(r), at(0)).firstResponse;
    expect(first).toMatchObject({ event: 'RESPOND', afterMs: 30 * 60_000 });
    expect(first?.target).toBeUndefined();
  });
});

describe('an optional window', () => {
  // The reopen window takes an event (REOPEN), which the old guess read as a deadline to beat.
  const window = (kind?: 'wait') =>
    ({
      ...base,
      events: { REOPEN: { by: ['agent'] } },
      initial: 'resolved',
      states: {
        resolved: {
          on: { REOPEN: 'reopened' },
          after: [{ name: 'reopen window', ...(kind ? { kind } : {}), delay: '7d', target: 'closed' }],
        },
        reopened: { type: 'final', outcome: 'reopened' },
        closed: { type: 'final', outcome: 'closed' },
      },
    }) as unknown as ProcessDefinition;
  const elapsed: RerunDeadline = {
    key: 'resolved#0',
    name: 'reopen window',
    state: 'resolved',
    armedAt: at(0),
    due: at(7 * 1440),
    status: 'fired',
    endedAt: at(7 * 1440),
  };
  const closing: RerunTransition[] = [{ at: at(7 * 1440), event: 'after:reopen window', from: ['resolved'], to: ['closed'] }];

  it('is a wait when declared so: elapsed, never graded or counted', () => {
    const r = rerun(window('wait'), [elapsed], closing, 'completed', 7 * 1440);
    const [report] = deadlineReports(r);
    expect(report).toMatchObject({ kind: 'wait', kindDeclared: true, status: 'elapsed' });
    expect(deadlineVerdict(report)).toBe('wait elapsed');
    expect(totals(r, [report], at(0)).deadlines).toEqual({ total: 0, met: 0, missed: 0, pending: 0 });
  });

  it('is cancelled, not met, when the customer reopened inside it', () => {
    const reopened: RerunTransition[] = [{ at: at(60), event: 'REOPEN', actor: agent, from: ['resolved'], to: ['reopened'] }];
    const r = rerun(window('wait'), [{ ...elapsed, status: 'cleared', endedAt: at(60) }], reopened, 'completed', 60);
    expect(deadlineReports(r)[0]).toMatchObject({ kind: 'wait', status: 'cancelled' });
  });

  it('without a declared kind keeps the old guess, and says it was guessed', () => {
    const r = rerun(window(), [elapsed], closing, 'completed', 7 * 1440);
    expect(deadlineReports(r)[0]).toMatchObject({ kind: 'deadline', kindDeclared: false, status: 'missed' });
  });
});

describe('a completed case', () => {
  const def = {
    ...base,
    initial: 'handling',
    states: {
      handling: {
        after: [{ name: 'resolution target', kind: 'deadline', delay: '1d', assign: { overdue: 'true' } }],
        invoke: { activity: 'issueRefund', onDone: 'closed' },
      },
      closed: { type: 'final', outcome: 'refunded' },
    },
  } as unknown as ProcessDefinition;
  const deadline: RerunDeadline = {
    key: 'handling#0',
    name: 'resolution target',
    state: 'handling',
    armedAt: at(0),
    due: at(1440),
    status: 'fired',
    endedAt: at(1440),
  };

  it('is not "still not done" when the case went on and completed', () => {
    const done: RerunTransition[] = [{ at: at(1500), event: 'invoke.done', from: ['handling'], to: ['closed'] }];
    const r = rerun(def, [deadline], done, 'completed', 1500);
    const [report] = deadlineReports(r);
    expect(report.stillOpen).toBeUndefined();
    expect(deadlineVerdict(report)).toBe('MISSED; the case moved on to closed without it');
  });

  it('says the case failed without it when it failed in the state', () => {
    const r = rerun(def, [deadline], [], 'failed', 1500);
    expect(deadlineVerdict(deadlineReports(r)[0])).toBe('MISSED; the case failed without it');
  });

  it('is still open only while the case runs in the state', () => {
    const r = rerun(def, [deadline], [], 'running', 1500);
    expect(deadlineVerdict(deadlineReports(r)[0])).toBe('MISSED by 1h so far (still not done when the record ends)');
  });
});
