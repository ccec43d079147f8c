/**
 * The audit report as one self-contained HTML file an auditor opens in a browser: inline CSS,
 * no scripts, nothing fetched. The state diagram is the definition's state tree with the states
 * the case visited marked (and how often), the path taken as a numbered list, and the Mermaid
 * source in a `<pre class="mermaid">` block, which any Mermaid renderer (or a page that loads
 * Mermaid) draws with the visited states highlighted.
 */
import { forEachState } from '../compiler/state-paths';
import type { ProcessDefinition } from '../dsl/types';
import { activityRow, caseFacts, childRow, deadlineRow, timelineRows, totalsLines } from './format';
import type { AuditReport } from './timeline';

const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #1d2433; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #d5d9e2; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: .25rem .5rem; border-bottom: 1px solid #eceff4; }
th { background: #f4f6fa; font-weight: 600; } td.k { font-weight: 600; width: 9rem; white-space: nowrap; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
pre.mermaid { background: #f7f8fb; border: 1px solid #e1e5ee; padding: .75rem; overflow-x: auto; }
.missed, .failed { color: #b3261e; font-weight: 600; } .met, .ok { color: #2e7d32; font-weight: 600; }
ul.tree { list-style: none; padding-left: 1.2rem; } ul.tree li { margin: .1rem 0; }
.state { display: inline-block; padding: 0 .4rem; border: 1px solid #c9ced9; border-radius: 4px; background: #fff; }
.state.visited { background: #d8f0dc; border-color: #2e7d32; font-weight: 600; }
.count { color: #56607a; font-size: 12px; margin-left: .3rem; } ol.path li { margin: .1rem 0; }
`;

export function auditHtml(r: AuditReport, definition: ProcessDefinition): string {
  const facts = caseFacts(r).map(
    ([k, v]) =>
      `<tr><td class="k">${esc(k)}</td><td class="${k === 'replay' ? (r.replay.ok ? 'ok' : r.replay.performed ? 'failed' : '') : ''}">${esc(v)}</td></tr>`,
  );
  const body = [
    `<h1>Audit of case ${esc(r.case.workflowId)}</h1>`,
    `<table>${facts.join('')}</table>`,
    '<h2>Totals</h2>',
    `<ul>${totalsLines(r)
      .map((l) => `<li class="${/MISSED/.test(l) ? 'missed' : ''}">${esc(l)}</li>`)
      .join('')}</ul>`,
    '<h2>State diagram: the path taken</h2>',
    '<p>Visited states are marked, with how many times the case entered them.</p>',
    stateTree(definition, r.path),
    '<h3>Path</h3>',
    `<ol class="path">${r.path.map((s) => `<li><code>${esc(s)}</code></li>`).join('')}</ol>`,
    '<h3>Mermaid source</h3>',
    `<pre class="mermaid">${esc(r.mermaid)}</pre>`,
    '<h2>Actors</h2>',
    table(
      ['Actor', 'Roles', 'Events', 'Verified by'],
      r.actors.map((a) => [a.id, a.roles.join(', '), String(a.events), a.issuers?.join(', ') ?? '']),
    ),
    `<h2>Timeline <small>(from ${esc(r.timelineSource)})</small></h2>`,
    table(['Time', 'Event', 'Who', 'Details'], timelineRows(r.timeline)),
    '<h2>Deadlines</h2>',
    table(['Name', 'State', 'Delay', 'Armed', 'Due', 'Verdict'], r.deadlines.map(deadlineRow), (row) =>
      /MISSED/.test(row[5]) ? 'missed' : /^met/.test(row[5]) ? 'met' : '',
    ),
    '<h2>Activities</h2>',
    table(['Activity', 'Scheduled', 'Attempts', 'Outcome'], r.activities.map(activityRow)),
    ...(r.children.length ? ['<h2>Child processes</h2>', table(['Id', 'Process', 'Started', 'Outcome'], r.children.map(childRow))] : []),
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>Audit: ${esc(r.case.workflowId)}</title>`,
    `<style>${CSS}</style>`,
    '</head><body>',
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}

/** The definition's states as a nested list, visited ones marked with their entry count. */
function stateTree(def: ProcessDefinition, path: string[]): string {
  const counts = new Map<string, number>();
  for (const state of path) counts.set(state, (counts.get(state) ?? 0) + 1);
  const children = new Map<string, string[]>();
  forEachState(def.states, (p) => {
    const parent = p.slice(0, -1).join('.');
    children.set(parent, [...(children.get(parent) ?? []), p.join('.')]);
  });
  const visited = (key: string): boolean => counts.has(key) || (children.get(key) ?? []).some(visited);
  const render = (parent: string): string => {
    const kids = children.get(parent) ?? [];
    if (!kids.length) return '';
    const items = kids.map((key) => {
      const name = key.split('.').pop()!;
      const n = counts.get(key) ?? 0;
      const mark = visited(key) ? ' visited' : '';
      const count = n ? `<span class="count">×${n}</span>` : '';
      const initial = (parent === '' ? def.initial : undefined) === name ? ' <span class="count">(initial)</span>' : '';
      return `<li><span class="state${mark}">${esc(name)}</span>${count}${initial}${render(key)}</li>`;
    });
    return `<ul class="tree">${items.join('')}</ul>`;
  };
  return render('');
}

function table(headers: string[], rows: string[][], rowClass: (row: string[]) => string = () => ''): string {
  if (!rows.length) return '<p>(none)</p>';
  const head = `<tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr class="${rowClass(row)}">${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table>${head}${body}</table>`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
