/** The audit report as plain text for a terminal. */
import { activityRow, caseFacts, childRow, deadlineRow, timelineRows, totalsLines } from './format';
import type { AuditReport } from './timeline';

export function auditText(r: AuditReport): string {
  const lines: string[] = [...table(caseFacts(r).map(([k, v]) => [k, v]))];
  const section = (title: string, body: string[]) => lines.push('', title, ...(body.length ? body.map((l) => `  ${l}`) : ['  (none)']));
  section('totals', totalsLines(r));
  section('path', [r.path.join(' → ')]);
  section(
    'actors',
    r.actors.map(
      (a) =>
        `${a.id}: ${a.roles.join(', ')} (${a.events} event${a.events === 1 ? '' : 's'}${a.issuers ? `; verified by ${a.issuers.join(', ')}` : ''})`,
    ),
  );
  section(`timeline (from ${r.timelineSource})`, table(timelineRows(r.timeline)));
  section('deadlines', table(r.deadlines.map(deadlineRow), ['NAME', 'STATE', 'DELAY', 'ARMED', 'DUE', 'VERDICT']));
  section('activities', table(r.activities.map(activityRow), ['ACTIVITY', 'SCHEDULED', 'ATTEMPTS', 'OUTCOME']));
  section('child processes', table(r.children.map(childRow), ['ID', 'PROCESS', 'STARTED', 'OUTCOME']));
  const fired = r.timers.filter((t) => t.status === 'fired').length;
  const cancelled = r.timers.filter((t) => t.status === 'canceled').length;
  section('timers', [
    `${r.timers.length} durable timers: ${fired} fired, ${cancelled} cancelled, ${r.timers.length - fired - cancelled} pending`,
  ]);
  return `${lines.join('\n')}\n`;
}

function table(rows: string[][], headers?: string[]): string[] {
  if (rows.length === 0) return [];
  const all = headers ? [headers, ...rows] : rows;
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return all.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}
