/**
 * Durations in the DSL: `500ms`, `90s`, `15m`, `4h`, `3d`, and combinations like `1h30m`.
 * Pure; used by the validator, the compiler and the workflow.
 */
const PART = /(\d+)(ms|s|m|h|d)/g;
const WHOLE = /^(\d+(ms|s|m|h|d))+$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** True when the text is a duration literal (as opposed to a CEL expression). */
export function isDurationLiteral(text: string): boolean {
  return WHOLE.test(text.trim());
}

/** Milliseconds of a duration literal; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!WHOLE.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) total += Number(amount) * UNIT_MS[unit];
  return total;
}

/** A short human form of a number of milliseconds, e.g. `4h`, `1h30m`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}

/**
 * A duration for people (not a DSL literal): the two largest units, `3d 4h`, `3h 59m`, `12m 5s`,
 * `45s`, `0s`. With `precise`, spans under a minute keep their fraction: `350ms`, `4.2s` (the
 * audit's "missed by" and "to spare"). Negative spans count as zero; pass `Math.abs` for a size.
 */
export function formatSpan(ms: number, precise = false): string {
  const span = Math.max(0, ms);
  if (precise && span < 1000) return `${Math.round(span)}ms`;
  if (precise && span < 60_000) return `${(span / 1000).toFixed(1)}s`;
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  let rest = Math.round(span / 1000) * 1000;
  const parts: string[] = [];
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
    if (parts.length === 2) break;
  }
  const shown = parts.filter((p, i) => i === 0 || !p.startsWith('0'));
  return shown.length ? shown.join(' ') : '0s';
}

const UNIT_WORDS: Record<string, string> = {
  ms: 'ms',
  msec: 'ms',
  msecs: 'ms',
  millis: 'ms',
  millisecond: 'ms',
  milliseconds: 'ms',
  s: 's',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  m: 'm',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  d: 'd',
  day: 'd',
  days: 'd',
};

/**
 * The literal a person most likely meant by a text that is not a duration literal: `5 secs` →
 * `5s`, `48hrs` → `48h`, `2 days` → `2d`, `1h 30m` → `1h30m`, `4H` → `4h`. Undefined when the
 * text does not read as amounts with units (a bare number has no unit to guess: see
 * `bareNumberHint`).
 */
export function suggestDuration(text: string): string | undefined {
  const parts = [
    ...text
      .trim()
      .toLowerCase()
      .matchAll(/(\d+)\s*([a-z]+)\s*(?:,|and)?\s*/g),
  ];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim().toLowerCase()) return undefined;
  let out = '';
  for (const [, amount, word] of parts) {
    const unit = UNIT_WORDS[word];
    if (!unit) return undefined;
    out += `${amount}${unit}`;
  }
  return isDurationLiteral(out) ? out : undefined;
}

/** True for a text that is only a number (`48`, `2.5`): a delay with no unit. */
export function isBareNumber(text: string): boolean {
  return /^\s*\d+(\.\d+)?\s*$/.test(text);
}

/** `did you mean 48s or 48h?` for a bare number; the unit is what the person must choose. */
export function bareNumberHint(text: string): string {
  const n = text.trim();
  return `did you mean ${n}s or ${n}h? (a number alone would be ${n} milliseconds; write "${n}ms" if that is meant)`;
}
