/**
 * What of the timeline a case carries into its next run when it continues as new. The carried
 * entries travel in the continue-as-new input, one Temporal payload (2 MiB at most), so they are
 * bounded by count and by size: the newest entries first, and an entry whose event data or
 * invocation output would pass the size budget is carried without it; so is the step the
 * definition's distinct-actor rule compares with, when the bounds left it out. The whole timeline
 * stays in the earlier runs' histories. Pure.
 */
import { lastDistinctStep } from '../compiler/distinct-actors';
import type { TimelineEntry } from '../contract/wire';
import type { ProcessDefinition } from '../dsl/types';

/** Timeline entries carried at most. */
export const CARRIED_TIMELINE_ENTRIES = 100;
/** Their JSON size at most, in bytes (counted in UTF-16 units, close enough for a budget). */
export const CARRIED_TIMELINE_BYTES = 256 * 1024;

export function carriedTimeline(
  timeline: readonly TimelineEntry[],
  def: Pick<ProcessDefinition, 'distinctActors'>,
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
  // The step the next run's distinct-actor rule compares with goes along even when the bounds
  // left it behind: else enough entries after it, refused signals for one, would lift the rule.
  const keep = lastDistinctStep(def, timeline);
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
