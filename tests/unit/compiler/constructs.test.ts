/**
 * Issue 13's constructs, compiled and run offline on the simulator (the compiler the workflow
 * uses, on a virtual clock): joins with region outputs, process-wide events that interrupt an
 * invocation, outcomes from expressions, a child's output, and compensations newest first when
 * a case ends in a compensating state or fails. The validator's view of the same constructs is
 * at the end. Offline and fast.
 */
import { formatDiagnostic, loadDefinitionText } from '../../../dsl';
import type { ProcessDefinition } from '../../../dsl/types';
import { CaseSimulator } from '../../../scenario/simulator';

const agent = { id: 'ann', roles: ['agent'] };

function load(yaml: string): ProcessDefinition {
  const result = loadDefinitionText(yaml, 'test.yaml');
  if (!result.definition) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
  return result.definition;
}
const problems = (yaml: string) => loadDefinitionText(yaml, 'test.yaml').diagnostics.map((d) => `${d.code} ${d.path}: ${d.message}`);

const HEAD = `process: t
title: T
roles: [agent]
events:
  A: { by: [agent], data: { type: object, properties: { n: { type: number } } } }
  B: { by: [agent] }
  STOP: { by: [agent] }
`;

describe('joins', () => {
  const def = load(`${HEAD}
context:
  total: '0'
initial: both
states:
  both:
    type: parallel
    states:
      left:
        initial: open
        states:
          open: { on: { A: done } }
          done: { type: final, output: { n: event.data.n } }
      right:
        initial: open
        states:
          open: { on: { B: done } }
          done: { type: final }
    onDone:
      - if: event.output.left.n > 10
        target: big
        assign: { total: event.output.left.n }
      - target: small
  big: { type: final, outcome: big }
  small: { type: final, outcome: small }
`);

  it('waits for every region, then decides on the regions’ outputs', () => {
    const sim = new CaseSimulator(def, {});
    expect(sim.send({ type: 'A', actor: agent, data: { n: 12 } })).toBeUndefined();
    expect(sim.state).toEqual(['both.left.done', 'both.right.open']);
    sim.send({ type: 'B', actor: agent });
    expect(sim.outcome).toBe('big');
    expect(sim.context).toEqual({ total: 12 });
  });

  it('takes the other branch on other outputs, and keeps the reserved key out of the context', () => {
    const sim = new CaseSimulator(def, {});
    sim.send({ type: 'B', actor: agent });
    expect(Object.keys(sim.context)).toEqual(['total']);
    sim.send({ type: 'A', actor: agent, data: { n: 3 } });
    expect(sim.outcome).toBe('small');
  });

  it('gives a compound state’s onDone the output of the final child it reached', () => {
    const sim = new CaseSimulator(
      load(`${HEAD}
context: { via: '""' }
initial: work
states:
  work:
    initial: open
    states:
      open: { on: { A: viaA, B: viaB } }
      viaA: { type: final, output: { via: '"A"' } }
      viaB: { type: final, output: { via: '"B"' } }
    onDone: { target: closed, assign: { via: event.output.via } }
  closed: { type: final, outcome: closed }
`),
      {},
    );
    sim.send({ type: 'B', actor: agent });
    expect(sim.outcome).toBe('closed');
    expect(sim.context.via).toBe('B');
  });
});

describe('process-wide events', () => {
  const def = load(
    `${HEAD}
on:
  STOP: stopped
initial: calling
states:
  calling:
    invoke: { activity: notify, with: { to: '"x"', subject: '"y"' }, onDone: waiting }
  waiting:
    initial: inner
    states:
      inner: { on: { A: '#done' } }
      '#done': { type: final }
    on: { B: closed }
  closed: { type: final, outcome: closed }
  stopped: { type: final, outcome: stopped }
`.replace(/#done/g, 'fin'),
  );

  it('are allowed in every state and interrupt an invocation in flight (cancelled)', () => {
    const sim = new CaseSimulator(def, {});
    expect(sim.allowed.agent).toEqual(['STOP']);
    expect(sim.send({ type: 'STOP', actor: agent })).toBeUndefined();
    expect(sim.outcome).toBe('stopped');
    expect(sim.invocations.map((i) => [i.name, i.status])).toEqual([['notify', 'cancelled']]);
  });

  it('are handled in nested states, after the states’ own events, and not once the case ended', () => {
    const sim = new CaseSimulator(def, {}, { answers: { notify: { returns: {} } } });
    expect(sim.state).toEqual(['waiting.inner']);
    expect(sim.allowed.agent).toEqual(['A', 'B', 'STOP']);
    sim.send({ type: 'B', actor: agent });
    expect(sim.send({ type: 'STOP', actor: agent })?.code).toBe('CASE_CLOSED');
  });
});

describe('outcomes from expressions and outputs', () => {
  const def = load(`${HEAD}
context: { n: '0' }
initial: open
states:
  open:
    on:
      A: { target: done, assign: { n: event.data.n } }
  done:
    type: final
    outcome:
      expr: 'context.n > 10 ? "big" : context.n > 0 ? "small" : "zero"'
      oneOf: [big, small]
    output: { doubled: context.n * 2 }
`);

  it('report the outcome the expression gives', () => {
    const big = new CaseSimulator(def, {});
    big.send({ type: 'A', actor: agent, data: { n: 11 } });
    expect([big.status, big.outcome]).toEqual(['completed', 'big']);
    const small = new CaseSimulator(def, {});
    small.send({ type: 'A', actor: agent, data: { n: 1 } });
    expect(small.outcome).toBe('small');
  });

  it('fail the case when the expression gives a name it does not list', () => {
    const zero = new CaseSimulator(def, {});
    zero.send({ type: 'A', actor: agent, data: { n: 0 } });
    expect(zero.status).toBe('failed');
    expect(zero.failure?.message).toMatch(/the outcome `.*` gave "zero"; it must give one of big, small/);
  });

  it('hand a child’s output to the parent’s invoke.onDone', () => {
    const parent = load(`${HEAD}
context: { got: '0', outcome: '""' }
initial: asking
states:
  asking:
    invoke:
      process: child
      onDone: { target: closed, assign: { got: event.output.output.doubled, outcome: event.output.outcome } }
  closed: { type: final, outcome: closed }
`);
    const sim = new CaseSimulator(parent, {});
    sim.settle(sim.pendingInvocation('child')!, { returns: { outcome: 'big', output: { doubled: 22 }, context: {} } });
    expect(sim.context).toEqual({ got: 22, outcome: 'big' });
  });
});

describe('compensation', () => {
  const def = load(`${HEAD}
on:
  STOP: stopped
initial: first
states:
  first:
    invoke:
      activity: transferCase
      with: { caseId: caseId, department: '"a"', contact: '"c"' }
      compensate: { activity: transferCase, with: { caseId: caseId, department: '"a"', contact: event.output.ticket } }
      onDone: second
  second:
    invoke:
      activity: notify
      with: { to: '"x"', subject: '"y"' }
      compensate: { activity: notify, with: { to: '"x"', subject: '"undo y"' } }
      onDone: waiting
  waiting:
    on: { A: closed, B: broken }
  broken:
    invoke: { activity: assignOwner, with: { caseId: caseId, owner: '"o"' }, onDone: closed }
  closed: { type: final, outcome: closed }
  stopped: { type: final, outcome: stopped, compensate: true }
`);
  const answers = {
    transferCase: { returns: { ticket: 'T-1' } },
    notify: { returns: {} },
    assignOwner: { fails: 'no such owner' },
  };
  const undone = (sim: CaseSimulator) => sim.invocations.filter((i) => i.compensates).map((i) => [i.name, i.input, i.status]);

  it('runs newest first when the case ends in a state with compensate: true, with inputs fixed when each invocation returned', () => {
    const sim = new CaseSimulator(def, {}, { answers });
    sim.send({ type: 'STOP', actor: agent });
    expect(sim.outcome).toBe('stopped');
    expect(undone(sim)).toEqual([
      ['notify', { to: 'x', subject: 'undo y' }, 'done'],
      ['transferCase', { caseId: 'test-case', department: 'a', contact: 'T-1' }, 'done'],
    ]);
    expect(sim.timeline.filter((e) => e.kind === 'invoke' && e.compensates).map((e) => (e as { compensates: string }).compensates)).toEqual(
      ['notify', 'transferCase'],
    );
  });

  it('does not run when the case ends normally', () => {
    const sim = new CaseSimulator(def, {}, { answers });
    sim.send({ type: 'A', actor: agent });
    expect(sim.outcome).toBe('closed');
    expect(undone(sim)).toEqual([]);
  });

  it('runs when the case fails after the effects', () => {
    const sim = new CaseSimulator(def, {}, { answers });
    sim.send({ type: 'B', actor: agent });
    expect(sim.status).toBe('failed');
    expect(undone(sim).map(([name]) => name)).toEqual(['notify', 'transferCase']);
  });

  it('only undoes what returned', () => {
    const sim = new CaseSimulator(def, {}, { answers: { ...answers, notify: { pending: true } } });
    sim.send({ type: 'STOP', actor: agent });
    expect(undone(sim).map(([name]) => name)).toEqual(['transferCase']);
  });
});

describe('the validator', () => {
  it('checks process-wide transitions like a state’s: targets, events and expressions', () => {
    expect(
      problems(`${HEAD}
on:
  STOP: { target: stoped, assign: { n: contxt.n } }
  GO: closed
initial: open
states:
  open: { on: { A: closed } }
  closed: { type: final, outcome: closed }
`),
    ).toEqual([
      'UNKNOWN_TARGET on.STOP.target: unknown state "stoped" (states visible here: open, closed)',
      'UNKNOWN_VARIABLE on.STOP.assign.n: unknown variable "contxt" in expression (did you mean "context"? expressions may use input, context, event, decide, now, caseId)',
      'UNDECLARED_EVENT on.GO: event "GO" is not declared in events (declared events: A, B, STOP)',
    ]);
  });

  it('counts a state a process-wide event leads to as reachable, and such an event as a way out', () => {
    expect(
      problems(`${HEAD}
on:
  STOP: stopped
initial: open
states:
  open: {}
  stopped: { type: final, outcome: stopped }
`),
    ).toEqual([]);
  });

  it('checks outcome expressions, outputs and compensations', () => {
    expect(
      problems(`${HEAD}
initial: open
states:
  open:
    invoke:
      activity: notify
      with: { to: '"x"', subject: '"y"' }
      compensate: { activity: notfy, with: { to: '"x"' } }
      onDone: done
    onDone: done
  done:
    type: final
    outcome: { expr: 'context.nope == 1 ? "a" : "b"', oneOf: [a, b] }
    compensate: true
`),
    ).toEqual([
      'UNKNOWN_ACTIVITY states.open.invoke.compensate.activity: unknown activity "notfy" (did you mean "notify"? activities: notify, assignOwner, transferCase, recordFollowUp, signalProcess, startProcess, countCases, issueRefund, setTrafficWeight, checkHealth)',
      'INVALID_JOIN states.open.onDone: state "open" has no child states, so it is never done and onDone is never taken; use invoke.onDone for an invocation\'s result, or give it states',
      'UNKNOWN_CONTEXT_KEY states.done.outcome.expr: context key "nope" is never set: declare it under context (or assign it) first',
    ]);
  });
});
