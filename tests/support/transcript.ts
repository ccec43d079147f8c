/**
 * How a transcript in the docs (`$ docket …` and its output) is compared with a real run. Both
 * sides are normalised by the patterns below, each replacing what differs from run to run with a
 * placeholder; everything else must be the same, line for line (trailing blanks ignored). A line of
 * the page that is only `…` (or `...`) stands for any number of lines, for outputs the page shortens.
 */

/** What differs from run to run, and what it becomes. The order matters: timestamps before durations. */
export const VOLATILE: ReadonlyArray<{ what: string; pattern: RegExp; placeholder: string }> = [
  {
    what: 'ISO 8601 timestamps (start, event and deadline times)',
    pattern: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g,
    placeholder: '<time>',
  },
  {
    what: 'UUIDs (run ids, update ids, generated case ids)',
    pattern: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
    placeholder: '<uuid>',
  },
  {
    what: 'timings in milliseconds or seconds with a fraction ("in 12 ms", "0.42 s")',
    pattern: /\b\d+(?:\.\d+)? ?ms\b|\b\d+\.\d+ ?s\b/g,
    placeholder: '<duration>',
  },
  { what: 'the deployer (DOCKET_DEPLOYER, else the OS user)', pattern: /\bby [a-z0-9._-]+ at\b/g, placeholder: 'by <user> at' },
  {
    what: 'local wall-clock times as the CLI prints them (deployed at, started, due, timeline: "2026-12-02 09:31:04")',
    pattern: /\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\b/g,
    placeholder: '<local time>',
  },
  {
    what: 'the time left to a deadline ("in 7h 59m", "in 59s"), measured from when the command ran',
    pattern: /\bin \d+[dhms](?: \d+[dhms])*(?=\s|$)/g,
    placeholder: 'in <time left>',
  },
  {
    what: 'epoch-millisecond times in a context summary ("heldSince=1796248399403")',
    pattern: /(?<=\b[A-Za-z]\w*=)\d{13}\b/g,
    placeholder: '<epoch ms>',
  },
];

export function normaliseOutput(text: string): string {
  let out = text;
  for (const v of VOLATILE) out = out.replace(v.pattern, v.placeholder);
  return out
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n+$/, '');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `printed` is what the page shows (`shown`), both normalised, `…` lines matching any lines. */
export function matchesTranscript(shown: string, printed: string): boolean {
  const want = normaliseOutput(shown).split('\n');
  const pattern = want.map((l) => (/^\s*(…|\.\.\.)\s*$/.test(l) ? '(?:[^\n]*\n)*?' : `${escape(l)}\n`)).join('');
  return new RegExp(`^${pattern}$`).test(`${normaliseOutput(printed)}\n`);
}
