import { checkDistinctActors, lastDistinctStep } from '../../../compiler/distinct-actors';
import type { TimelineEntry } from '../../../contract/wire';
import type { ProcessDefinition } from '../../../dsl/types';
import { carriedTimeline } from '../../../workflows/carried-timeline';

const transition = (i: number, note: string): TimelineEntry => ({
  kind: 'transition',
  at: `t${i}`,
  event: 'NOTE',
  from: ['open'],
  to: ['open'],
  data: { note },
});

describe('the timeline carried across continue-as-new', () => {
  it('keeps the newest entries, at most 100', () => {
    const timeline = Array.from({ length: 250 }, (_, i) => transition(i, 'short'));
    const carried = carriedTimeline(timeline, {});
    expect(carried).toHaveLength(100);
    expect(carried[99]).toEqual(timeline[249]);
  });

  it('stays within its byte budget with 64 KiB payloads, dropping the data of older entries first', () => {
    const timeline = Array.from({ length: 100 }, (_, i) => transition(i, 'n'.repeat(64 * 1024)));
    const carried = carriedTimeline(timeline, {});
    expect(JSON.stringify(carried).length).toBeLessThanOrEqual(256 * 1024 + 200);
    expect(carried).toHaveLength(100);
    expect(carried[99]).toEqual(timeline[99]);
    expect(carried[0]).toEqual({ kind: 'transition', at: 't0', event: 'NOTE', from: ['open'], to: ['open'] });
  });
});

describe('the step the distinct-actor rule reads', () => {
  const def = { distinctActors: ['APPROVE'] } as unknown as ProcessDefinition;
  const approval: TimelineEntry = {
    kind: 'transition',
    at: 't-approve',
    event: 'APPROVE',
    actor: { id: 'sam', roles: ['supervisor', 'finance'] },
    from: ['review.supervisor'],
    to: ['review.finance'],
    data: { note: 'ok' },
  };
  const refused = (i: number): TimelineEntry => ({
    kind: 'rejected',
    at: `r${i}`,
    event: 'NOT_AN_EVENT',
    actor: { id: 'mallory', roles: ['finance'] },
    code: 'UNKNOWN_EVENT',
    reason: 'unknown event',
  });

  it('is carried, first and without its data, when 150 refused signals came after it', () => {
    const timeline = [transition(0, 'before'), approval, ...Array.from({ length: 150 }, (_, i) => refused(i))];
    expect(lastDistinctStep(def, timeline)).toBe(1);
    const carried = carriedTimeline(timeline, def);
    expect(carried).toHaveLength(101);
    const { data: _data, ...withoutData } = approval as Extract<TimelineEntry, { kind: 'transition' }>;
    expect(carried[0]).toEqual(withoutData);
    expect(carried[100]).toEqual(timeline[151]);
    // The next run still refuses sam the second approval.
    const second = { type: 'APPROVE', actor: { id: 'Sam ', roles: ['finance'] } };
    expect(checkDistinctActors(def, second, carried)?.code).toBe('SAME_ACTOR');
    expect(checkDistinctActors(def, second, carriedTimeline(timeline, {}))).toBeUndefined(); // what the bound alone left
  });

  it('is not added twice when the bounds carried it anyway', () => {
    const timeline = [approval, refused(1)];
    expect(carriedTimeline(timeline, def)).toEqual(timeline);
  });
});
