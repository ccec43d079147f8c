import { carriedTimeline } from '../../../workflows/carried-timeline';
import type { TimelineEntry } from '../../../contract/wire';

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
    const carried = carriedTimeline(timeline);
    expect(carried).toHaveLength(100);
    expect(carried[99]).toEqual(timeline[249]);
  });

  it('stays within its byte budget with 64 KiB payloads, dropping the data of older entries first', () => {
    const timeline = Array.from({ length: 100 }, (_, i) => transition(i, 'n'.repeat(64 * 1024)));
    const carried = carriedTimeline(timeline);
    expect(JSON.stringify(carried).length).toBeLessThanOrEqual(256 * 1024 + 200);
    expect(carried).toHaveLength(100);
    expect(carried[99]).toEqual(timeline[99]);
    expect(carried[0]).toEqual({ kind: 'transition', at: 't0', event: 'NOTE', from: ['open'], to: ['open'] });
  });
});
