/** The audit report as Markdown (GitHub renders the ```mermaid block as the state diagram). */
import { activityRow, caseFacts, childRow, deadlineRow, timelineRows, totalsLines } from './format';
import type { AuditReport } from './timeline';

export function auditMarkdown(r: AuditReport): string {
  const out: string[] = [`# Audit: ${r.case.workflowId}`, ''];
  out.push(
    ...table(
      ['', ''],
      caseFacts(r).map(([k, v]) => [`**${k}**`, v]),
    ),
    '',
  );
  out.push('## Totals', '', ...totalsLines(r).map((l) => `- ${l}`), '');
  out.push('## Path', '', r.path.map((s) => `\`${s}\``).join(' → '), '');
  out.push('```mermaid', r.mermaid.trimEnd(), '```', '');
  out.push(
    '## Actors',
    '',
    ...(r.actors.length
      ? r.actors.map((a) => `- ${a.id}: ${a.roles.join(', ')} (${a.events}${a.issuers ? `; verified by ${a.issuers.join(', ')}` : ''})`)
      : ['(none)']),
    '',
  );
  out.push(`## Timeline (from ${r.timelineSource})`, '', ...table(['Time', 'Event', 'Who', 'Details'], timelineRows(r.timeline)), '');
  out.push('## Deadlines', '', ...table(['Name', 'State', 'Delay', 'Armed', 'Due', 'Verdict'], r.deadlines.map(deadlineRow)), '');
  out.push('## Activities', '', ...table(['Activity', 'Scheduled', 'Attempts', 'Outcome'], r.activities.map(activityRow)), '');
  if (r.children.length)
    out.push('## Child processes', '', ...table(['Id', 'Process', 'Started', 'Outcome'], r.children.map(childRow)), '');
  return `${out.join('\n')}\n`;
}

function table(headers: string[], rows: string[][]): string[] {
  if (rows.length === 0) return ['(none)'];
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}
