/**
 * What of the timeline a case carries into its next run when it continues as new. The carried
 * entries travel in the continue-as-new input, one Temporal payload (2 MiB at most), so they are
 * bounded by count and by size: the newest entries first, and an entry whose event data or
 * invocation output would pass the size budget is carried without it; so is the one entry `keep`
 * names when the bounds left it out. The whole timeline stays in the earlier runs' histories. Pure.
 */
import type { TimelineEntry } from '../contract/wire';

/** Timeline entries carried at most. */
export const CARRIED_TIMELINE_ENTRIES = 100;
/** Their JSON size at most, in bytes (counted in UTF-16 units, close enough for a budget). */
export const CARRIED_TIMELINE_BYTES = 256 * 1024;

export function carriedTimeline(
  timeline: readonly TimelineEntry[],
  keep = -1,
  maxEntries = CARRIED_TIMELINE_ENTRIES,
  maxBytes = CARRIED_TIMELINE_BYTES,
): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  let bytes = 0;
  let first = timeline.length;
  for (let i = timeline.length - 1; i >= 0 && out.length < maxEntries; i--) {
    let entry = timeline[i];
    let size = JSON.stringify(entry).length;
    if (bytes + size > maxBytes) {
      entry = withoutPayload(entry);
      size = JSON.stringify(entry).length;
      if (bytes + size > maxBytes) break;
    }
    bytes += size;
    out.push(entry);
    first = i;
  }
  // The entry a rule of the next run reads (the step the distinct-actor rule compares with)
  // goes along even when the bounds left it behind: else enough entries after it, refused
  // signals for one, would lift the rule.
  if (keep >= 0 && keep < first) out.push(withoutPayload(timeline[keep]));
  return out.reverse();
}

/** The entry without the parts a caller or an activity sized: event data, invocation output. */
function withoutPayload(entry: TimelineEntry): TimelineEntry {
  if (entry.kind === 'transition') {
    const { data: _data, ...rest } = entry;
    return rest;
  }
  if (entry.kind === 'invoke') {
    const { output: _output, ...rest } = entry;
    return { ...rest, error: rest.error?.slice(0, 1000) };
  }
  if (entry.kind === 'rejected') return { ...entry, reason: entry.reason.slice(0, 1000) };
  return entry;
}
