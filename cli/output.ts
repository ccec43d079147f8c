/**
 * Printers for people: tables, the state of a case, timelines. Each `format*` returns lines and
 * does no I/O; each `print*` writes them. Machine output is `printJson` of the report object.
 */
import type { Actor, ChildView, PendingDeadline, ProcessResult, StateView, TimelineEntry } from '../contract/wire';
import { formatSpan } from '../dsl/duration';
import type { CaseSummary } from '../client/list-query';

export interface Writer {
  write(text: string): unknown;
}

export function printLines(lines: string[], out: Writer = process.stdout): void {
  if (lines.length) out.write(`${lines.join('\n')}\n`);
}

export function printJson(report: unknown, out: Writer = process.stdout): void {
  out.write(`${JSON.stringify(report, null, 2)}\n`);
}

/** Columns padded to the widest cell; the last column is not padded. */
export function table(headers: string[] | undefined, rows: string[][], gap = '  '): string[] {
  const all = headers ? [headers, ...rows] : rows;
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))));
  return all.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i] - width(cell))))
      .join(gap)
      .trimEnd(),
  );
}

/** `2026-11-23 09:32:51` in local time. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** `in 3h 59m` or `overdue by 5m`. */
export function timeLeft(dueIso: string, now: Date = new Date()): string {
  const ms = new Date(dueIso).getTime() - now.getTime();
  if (Number.isNaN(ms)) return '';
  return ms >= 0 ? `in ${formatSpan(ms)}` : `overdue by ${formatSpan(-ms)}`;
}

/** `alice(agent)`, `bob(lead,agent)`, or the empty string for the engine's own steps. */
export function formatActor(actor: Actor | undefined): string {
  return actor ? `${actor.id}(${actor.roles.join(',')})` : '';
}

/** One line per entry: `time  event  actor(role)  from → to`, columns aligned. */
export function formatTimeline(timeline: TimelineEntry[]): string[] {
  return table(undefined, timeline.map(timelineRow));
}

export function printTimeline(timeline: TimelineEntry[], out: Writer = process.stdout): void {
  printLines(formatTimeline(timeline), out);
}

function timelineRow(e: TimelineEntry): string[] {
  const time = formatTime(e.at);
  switch (e.kind) {
    case 'started':
      return [time, 'started', '', `→ ${e.state.join(', ')}  (${e.definition} ${e.hash.slice(0, 8)})`];
    case 'transition':
      return [
        time,
        e.event,
        formatActor(e.actor),
        `${e.from.join(', ') || '—'} → ${e.to.join(', ')}${e.data ? `  ${shortJson(e.data)}` : ''}`,
      ];
    case 'rejected':
      return [time, e.event, formatActor(e.actor), `rejected ${e.code}: ${e.reason}`];
    case 'deadline':
      return [time, 'deadline', '', `"${e.name}" fired in ${e.state}${e.target ? ` → ${e.target}` : ''}`];
    case 'invoke':
      // The output is what a later step decided on (a health measurement, a payment), so show it.
      return [
        time,
        `${e.compensates ? 'compensate' : 'invoke'} ${e.activity ?? e.process ?? ''}`.trim(),
        '',
        `${e.status} in ${e.state}${e.compensates ? ` (undoing ${e.compensates})` : ''}${e.error ? `: ${e.error}` : ''}${hasValue(e.output) ? ` → ${shortJson(e.output, 120)}` : ''}`,
      ];
    case 'continued':
      return [time, 'continued', '', `as new run ${e.run} in ${e.state.join(', ')} (history restarted, context carried)`];
    case 'completed':
      return [time, 'completed', '', `outcome ${e.outcome} (${e.state.join(', ')})`];
    default:
      return [time, (e as { kind: string }).kind, '', ''];
  }
}

/** The state of a case as a person reads it; `now` is used for the time left on deadlines. */
export function formatStateView(view: StateView, now: Date = new Date()): string[] {
  const rows: string[][] = [
    ['case', view.workflowId],
    [
      'process',
      `${view.process} — ${view.title} (definition ${view.definitionVersion !== undefined ? `v${view.definitionVersion} ` : ''}${view.definitionHash.slice(0, 8)})`,
    ],
    ['status', view.outcome ? `${view.status}, outcome ${view.outcome}` : view.status.replace(/_/g, ' ')],
    ['state', view.state.join(', ')],
  ];
  if (view.failure) rows.push(['failure', `${view.failure.code}: ${view.failure.message.split('\n').join(' ')}`]);
  if (view.stuck)
    rows.push([
      'stuck',
      `workflow task failing (attempt ${view.stuck.attempts}): ${view.stuck.cause}: ${view.stuck.message.split('\n').join(' ')}`,
    ]);
  const owner = view.context.owner;
  if (typeof owner === 'string' && owner) rows.push(['owner', owner]);
  const summary = contextSummary(view.context, ['owner']);
  if (summary) rows.push(['context', summary]);
  const allowed = Object.entries(view.allowed).filter(([, events]) => events.length > 0);
  if (view.status === 'running') {
    if (allowed.length === 0) rows.push(['allowed', '(no event can be sent now)']);
    table(
      undefined,
      allowed.map(([role, events]) => [`${role}:`, events.join(', ')]),
    ).forEach((line, i) => rows.push([i === 0 ? 'allowed' : '', line]));
  }
  formatDeadlines(view.deadlines, now).forEach((line, i) => rows.push([i === 0 ? 'deadlines' : '', line]));
  formatChildren(view.children ?? []).forEach((line, i) => rows.push([i === 0 ? 'children' : '', line]));
  const lines = table(undefined, rows);
  const total = view.timelineTotal ?? view.timeline.length;
  const heading =
    view.timeline.length < total
      ? `timeline (entries ${(view.timelineFrom ?? 0) + 1}–${(view.timelineFrom ?? 0) + view.timeline.length} of ${total})`
      : 'timeline';
  if (view.timeline.length) lines.push(heading, ...formatTimeline(view.timeline).map((l) => `  ${l}`));
  return lines;
}

export function printStateView(view: StateView, out: Writer = process.stdout, now?: Date): void {
  printLines(formatStateView(view, now), out);
}

/** `C-1/refund-approval-1  refund-approval  in review.lead (running)  invoked in refunding` */
export function formatChildren(children: ChildView[]): string[] {
  return table(
    undefined,
    children.map((c) => [
      c.id,
      c.process,
      c.state ? `in ${c.state.join(', ')}${c.status ? ` (${c.status.replace(/_/g, ' ')})` : ''}` : '(state not readable)',
      `invoked in ${c.invokedIn}`,
    ]),
  );
}

/** `response deadline  awaiting_response  due 2026-11-23 10:32:51  in 59m  → escalating` */
export function formatDeadlines(deadlines: PendingDeadline[], now: Date = new Date()): string[] {
  return table(
    undefined,
    [...deadlines]
      .sort((a, b) => a.due.localeCompare(b.due))
      .map((d) => [d.name, d.state, `due ${formatTime(d.due)}`, timeLeft(d.due, now), d.target ? `→ ${d.target}` : '']),
  );
}

/** The result of a finished case. */
export function formatResult(
  id: string,
  result: ProcessResult,
  timeline: TimelineEntry[] | { unread: string } = result.timeline ?? [],
): string[] {
  const rows = [
    ['case', id],
    ['outcome', result.outcome],
    ['state', result.state.join(', ')],
    ['definition', result.definitionHash.slice(0, 8)],
  ];
  const summary = contextSummary(result.context);
  if (summary) rows.push(['context', summary]);
  const lines = table(undefined, rows);
  if (!Array.isArray(timeline))
    lines.push(`timeline: ${result.timelineTotal} entries, not read (${timeline.unread}); \`docket audit\` reads them from the history`);
  else if (timeline.length) lines.push('timeline', ...formatTimeline(timeline).map((l) => `  ${l}`));
  return lines;
}

/** The `list` table. */
export function formatCaseTable(cases: CaseSummary[]): string[] {
  const withOutcome = cases.some((c) => c.outcome);
  const headers = ['ID', 'STATUS', 'PROCESS', 'DEFINITION', 'STATE', 'PRIORITY', 'OWNER', 'STARTED', ...(withOutcome ? ['OUTCOME'] : [])];
  const rows = cases.map((c) => [
    c.id,
    c.status.toLowerCase(),
    c.process ?? '',
    // The definition hash the case is pinned to (8 characters, as `list --hash` takes them).
    c.definitionHash?.slice(0, 8) ?? '',
    c.state ?? '',
    c.priority ?? '',
    c.owner ?? '',
    formatTime(c.startTime),
    ...(withOutcome ? [c.outcome ?? ''] : []),
  ]);
  return table(headers, rows);
}

/**
 * `priority=P1  category=payment  transfers=[2 items]`: scalar values and the sizes of lists,
 * empty values and `skip` keys left out, at most `max` entries.
 */
export function contextSummary(context: Record<string, unknown>, skip: string[] = [], max = 8): string {
  const parts: string[] = [];
  let more = 0;
  for (const [key, value] of Object.entries(context)) {
    if (skip.includes(key) || value === '' || value === null || value === undefined) continue;
    let shown: string;
    if (Array.isArray(value)) shown = `[${value.length} item${value.length === 1 ? '' : 's'}]`;
    else if (typeof value === 'object') shown = '{…}';
    else if (typeof value === 'string') shown = /\s|^$/.test(value) ? JSON.stringify(truncate(value, 30)) : truncate(value, 30);
    else shown = String(value);
    if (parts.length < max) parts.push(`${key}=${shown}`);
    else more++;
  }
  if (more) parts.push(`(+${more} more; --json shows all)`);
  return parts.join('  ');
}

function hasValue(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === 'object' && Object.keys(value).length === 0);
}

function shortJson(value: unknown, max = 60): string {
  return truncate(JSON.stringify(value) ?? '', max);
}

function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Display width, counting code points (good enough for the names and arrows printed here). */
function width(text: string): number {
  return [...text].length;
}
