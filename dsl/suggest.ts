/**
 * "Did you mean …?" for names: the nearest candidate by edit distance (Damerau–Levenshtein,
 * optimal string alignment), ignoring case. Pure.
 */

const MAX_NAME_LENGTH = 100;

/**
 * The candidate nearest to `input`, or undefined when none is close enough to be a likely typo.
 * A candidate differing only in case always wins. Ties go to the earlier candidate.
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  // Names are short; skipping long ones keeps a hostile file from costing quadratic time.
  if (input.length > MAX_NAME_LENGTH) return undefined;
  const list = [...candidates];
  const wanted = input.toLowerCase();
  // About one edit per three characters, at least one: "aproved" → "approved", not "a" → "b".
  const limit = Math.max(1, Math.floor(input.length * 0.34));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of list) {
    if (candidate === input) continue;
    const lower = candidate.toLowerCase();
    if (Math.abs(lower.length - wanted.length) > limit || lower.length > MAX_NAME_LENGTH) continue;
    const distance = editDistance(wanted, lower);
    if (distance > limit || (distance > 0 && distance >= candidate.length)) continue;
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best ?? prefixMatch(input, list);
}

/** A shortened or lengthened name: "prio" → "priority". Only for inputs long enough to mean something. */
function prefixMatch(input: string, candidates: string[]): string | undefined {
  const wanted = input.toLowerCase();
  if (wanted.length < 3) return undefined;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    if (candidate !== input && lower.length >= 3 && (lower.startsWith(wanted) || wanted.startsWith(lower))) return candidate;
  }
  return undefined;
}

/** ` (did you mean "x"?)` when there is a near candidate, else the empty string. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const hint = suggest(input, candidates);
  return hint === undefined ? '' : ` (did you mean "${hint}"?)`;
}

/** Edit distance counting insertions, deletions, substitutions and swaps of neighbours as 1. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[rows - 1][cols - 1];
}

/** Names for a message, at most ten, so a huge file does not produce a huge message. */
export function listNames(names: readonly string[]): string {
  return names.length > 10 ? `${names.slice(0, 10).join(', ')}, …` : names.join(', ');
}
