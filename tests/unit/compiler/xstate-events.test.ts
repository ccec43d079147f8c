/**
 * compiler/xstate-events.ts names XState internals; these tests hold it to the XState in
 * node_modules: a real actor on XState's simulated clock, a nested state with an `after` delay
 * compiled by docket, and the event XState itself sends when the delay runs out.
 */
import { createActor, SimulatedClock, type AnyEventObject, type InspectionEvent } from 'xstate';
import { compileDefinition } from '../../../compiler/compile';
import { afterEventKey, afterEventType, XSTATE_INIT } from '../../../compiler/xstate-events';
import type { ProcessDefinition } from '../../../dsl/types';

const definition = {
  process: 'xstate-names',
  title: 'XState names',
  roles: ['agent'],
  events: {},
  initial: 'outer',
  states: {
    outer: {
      initial: 'inner',
      states: { inner: { after: [{ delay: '1h', target: 'done' }] } },
    },
    done: { type: 'final', outcome: 'done' },
  },
} as unknown as ProcessDefinition;

describe('XState event names', () => {
  it('match the events XState sends: init at start, after.<key>.<node id> when a delay runs out', () => {
    const seen: string[] = [];
    const clock = new SimulatedClock();
    const machine = compileDefinition(
      definition,
      {},
      {
        now: () => clock.now(),
        caseId: 'xstate-names',
        startInvocation: () => () => undefined,
        deadlineArmed: () => undefined,
        deadlineCleared: () => undefined,
        log: () => undefined,
      },
    );
    const actor = createActor(machine, {
      clock,
      inspect: (ev: InspectionEvent) => {
        if (ev.type === '@xstate.event') seen.push((ev.event as AnyEventObject).type);
      },
    });
    actor.start();
    clock.increment(60 * 60 * 1000);
    expect(actor.getSnapshot().status).toBe('done');

    expect(seen[0]).toBe(XSTATE_INIT);
    const fired = seen.find((type) => afterEventKey(type) !== undefined);
    expect(fired).toBeDefined();
    const key = afterEventKey(fired!)!;
    expect(fired).toBe(afterEventType(key, 'outer.inner'));
    actor.stop();
  });

  it('give no key for other events', () => {
    expect(afterEventKey('ACCEPT')).toBeUndefined();
    expect(afterEventKey(XSTATE_INIT)).toBeUndefined();
    expect(afterEventKey(afterEventType('k', 'a.b.c'))).toBe('k');
  });
});
