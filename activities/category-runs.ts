/**
 * Runs of one category in the order cases started: the "5 of a category in a row" rule reads
 * these. Pure, so the order and the watermark rules are unit-tested offline
 * (tests/unit/activities/category-runs.test.ts).
 */

/** Cases folded by one check at most: keeps the activity's result far below Temporal's payload limit. */
export const MAX_CASES_PER_CHECK = 2000;

/** A case as visibility lists it. */
export interface ListedCase {
  id: string;
  /** Start time, epoch milliseconds. */
  start: number;
  /** Its category search attribute; undefined while the case has not set it yet. */
  category?: string;
}

/** A run of cases of one category in start order. */
export interface CategoryRun {
  category: string;
  /** Length of the run, including the carried part. */
  count: number;
  /** True when the run continues the one carried from the previous check. */
  continued: boolean;
  /** First and last case of this check that belong to the run. */
  firstCase: string;
  lastCase: string;
}

export interface RunsResult {
  runs: CategoryRun[];
  /** Cases folded into the runs. */
  seen: number;
  /** Cases passed over because their category never showed (e.g. a case that failed on its first step). */
  skipped: string[];
  /** Start time up to which every case has been folded: the next check lists after it. */
  watermark: number;
}

/**
 * Folds the cases listed in (since, until] into runs, continuing `carry` (the run the previous
 * check ended with). Order: start time, then case id (ties within a millisecond). A case whose
 * category is not visible yet stops the fold before it, with the watermark just below its start,
 * so the next check sees it and every case after it again: nothing is folded twice. A case still
 * without a category when it started before `giveUpBefore` is passed over (and reported), so one
 * case that failed on its first step cannot hold the rule up for good. At most `maxCases` are folded.
 */
export function categoryRuns(
  listed: ListedCase[],
  carry: { category: string; count: number },
  until: number,
  giveUpBefore: number,
  maxCases = MAX_CASES_PER_CHECK,
): RunsResult {
  const ordered = [...listed].sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const skipped = ordered.filter((c) => !c.category && c.start < giveUpBefore);
  const candidates = ordered.filter((c) => c.category || c.start >= giveUpBefore);
  // The fold stops at the first case without a category yet, or after maxCases cases (a check
  // after a long pause catches up over several checks instead of returning one huge result);
  // either way at a start time, so cases started in the same millisecond stay together.
  const blocked = candidates.find((c, i) => !c.category || i >= maxCases);
  const folded = blocked ? candidates.filter((c) => c.start < blocked.start) : candidates;
  const runs: CategoryRun[] = [];
  let current: CategoryRun | undefined;
  for (const c of folded) {
    const category = c.category!;
    if (current && current.category === category) {
      current.count++;
      current.lastCase = c.id;
      continue;
    }
    const continues = !current && carry.count > 0 && carry.category === category;
    current = { category, count: continues ? carry.count + 1 : 1, continued: continues, firstCase: c.id, lastCase: c.id };
    runs.push(current);
  }
  return {
    runs,
    seen: folded.length,
    skipped: skipped.filter((c) => !blocked || c.start < blocked.start).map((c) => c.id),
    watermark: blocked ? blocked.start - 1 : until,
  };
}
