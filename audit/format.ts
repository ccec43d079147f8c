/**
 * Cells and phrases shared by the text, Markdown and HTML reports: each report lays the same
 * rows out its own way. Times are printed as UTC ISO instants (what the history records).
 */
import type { TimelineActor, TimelineEntry } from '../contract/wire';
import { formatSpan } from '../dsl/duration';
import type { DeadlineReport, Measure } from './deadlines';
import type { ActivityRecord, ChildRecord } from './history-facts';
import type { AuditReport } from './timeline';

/** `140ms`, `3.4s`, `12m 5s`, `3d 4h`. */
export const span = (ms: number): string => formatSpan(Math.abs(ms), true);

/** `chen.lead (lead)`, or `engine` for the engine's own steps. */
export const actorLabel = (actor: TimelineActor | undefined): string =>
  actor ? `${actor.id} (${actor.roles.join(', ') || 'no role'}${actor.issuer ? `; verified by ${actor.issuer}` : ''})` : 'engine';

export const states = (s: string[]): string => s.join(', ') || '—';

/** Timeline rows: time, what, who, details. */
export function timelineRows(timeline: TimelineEntry[]): string[][] {
  return timeline.map((e) => {
    switch (e.kind) {
      case 'started':
        return [e.at, 'started', 'engine', `→ ${states(e.state)} (definition ${e.definition} ${e.hash})`];
      case 'continued':
        return [e.at, 'continued', 'engine', `run ${e.run} resumes in ${states(e.state)}`];
      case 'transition':
        return [e.at, e.event, actorLabel(e.actor), `${states(e.from)} → ${states(e.to)}${e.data ? ` ${JSON.stringify(e.data)}` : ''}`];
      case 'rejected':
        return [e.at, `${e.event} refused`, actorLabel(e.actor), `${e.code}: ${e.reason}`];
      case 'deadline':
        return [e.at, 'deadline', 'engine', `"${e.name}" fired in ${e.state} (due ${e.due})${e.target ? ` → ${e.target}` : ''}`];
      case 'invoke':
        // What it returned is what the next step decided on (a health measurement, a payment, a child's outcome).
        return [
          e.at,
          `${e.compensates ? 'compensation ' : ''}${e.activity ? 'activity' : 'process'} ${e.activity ?? e.process}`,
          'engine',
          `${e.status} in ${e.state}${e.compensates ? ` (undoing ${e.compensates})` : ''}${e.error ? `: ${e.error}` : ''}${returned(e.process ? childOutcome(e.output) : e.output)}`,
        ];
      case 'completed':
        return [e.at, 'completed', 'engine', `outcome ${e.outcome} (${states(e.state)})`];
      default:
        return [(e as { at: string }).at, (e as { kind: string }).kind, '', ''];
    }
  });
}

/** A child's result carries its whole context (that is in the child's own history); its outcome is what the parent used. */
function childOutcome(output: unknown): unknown {
  const outcome = (output as { outcome?: unknown } | null)?.outcome;
  return outcome === undefined ? output : { outcome };
}

function returned(output: unknown): string {
  if (output === undefined || output === null) return '';
  if (typeof output === 'object' && Object.keys(output).length === 0) return '';
  return ` → ${JSON.stringify(output)}`;
}

/** What happened to a deadline, in a phrase. */
export function deadlineVerdict(d: DeadlineReport): string {
  const by = d.by ? ` (${d.by.event} by ${actorLabel(d.by.actor)} at ${d.by.at})` : '';
  switch (d.status) {
    case 'met':
      return `met, ${span(d.marginMs ?? 0)} to spare${by}`;
    case 'missed':
      if (d.stillOpen) return `MISSED by ${span(d.lateByMs ?? 0)} so far (still not done when the record ends)`;
      if (d.movedTo) return `MISSED; the case moved on to ${d.movedTo.join(', ')} without it`;
      if (d.endedWithout) return `MISSED; the case ${d.endedWithout} without it`;
      return `MISSED by ${span(d.lateByMs ?? 0)}${by}`;
    case 'elapsed':
      return 'wait elapsed';
    case 'cancelled':
      return 'wait cancelled (the case moved on)';
    default:
      return 'pending';
  }
}

export const deadlineRow = (d: DeadlineReport): string[] => [
  d.name,
  d.state,
  `${span(d.delayMs)} (${d.source})`,
  d.armedAt,
  d.due,
  deadlineVerdict(d),
];

export function activityRow(a: ActivityRecord): string[] {
  const outcome = a.status === 'completed' ? 'completed' : a.error ? `${a.status}: ${a.error}` : a.status;
  const retried = a.lastRetriedFailure ? `; attempt ${a.attempts - 1} failed: ${a.lastRetriedFailure}` : '';
  return [a.name, a.scheduledAt, String(a.attempts), outcome + retried];
}

export const childRow = (c: ChildRecord): string[] => [
  c.workflowId,
  c.process ?? '',
  c.initiatedAt,
  c.status + (c.outcome ? `, outcome ${c.outcome}` : '') + (c.error ? `: ${c.error}` : ''),
];

export function measureLine(name: string, m: Measure | undefined): string | undefined {
  if (!m) return undefined;
  const target = m.target ? `; target ${span(m.target.ms)} (${m.target.deadline}, ${m.target.source}): ${m.met ? 'met' : 'MISSED'}` : '';
  return `${name}: ${span(m.afterMs)} after the start, ${m.event} by ${actorLabel(m.actor)} at ${m.at}${target}`;
}

/** The header facts, as label/value pairs. */
export function caseFacts(r: AuditReport): Array<[string, string]> {
  const c = r.case;
  const status =
    c.status === 'completed'
      ? `completed, outcome ${c.outcome} (${states(c.state)})`
      : c.status === 'running'
        ? `running, in ${states(c.state)}`
        : c.status;
  const replay = !r.replay.performed
    ? 'not performed (--no-replay)'
    : r.replay.ok
      ? `ok: the current workflow code reproduces all ${r.events} events${r.replay.note ? ` (${r.replay.note})` : ''}`
      : `FAILED${r.replay.failure?.eventId ? ` at event ${r.replay.failure.eventId}` : ''}: ${r.replay.failure?.message}`;
  return [
    ['case', c.workflowId + (c.runId ? ` (run ${c.runId})` : '')],
    ['process', `${c.process}: ${c.title}`],
    ['definition', definitionLine(c)],
    ...(Object.keys(c.childVersions ?? {}).length
      ? [
          [
            'children',
            Object.entries(c.childVersions)
              .map(([process, hash]) => `${process} sha256 ${hash}`)
              .join('; '),
          ] as [string, string],
        ]
      : []),
    ['status', status],
    ['started', c.startedAt],
    [
      'ended',
      c.endedAt
        ? `${c.endedAt} (after ${span(r.totals.durationMs)})`
        : `not yet (record ends ${span(r.totals.durationMs)} after the start)`,
    ],
    ...(c.continuedFrom ? [['continued from', `run ${c.continuedFrom}`] as [string, string]] : []),
    ['history', `${r.events} events in ${r.file}`],
    ['digest', r.digest],
    ['replay', replay],
  ];
}

/**
 * `complaint sha256 <hash>, version 3 from the registry, deployed by ops.lee at <time>`, or, for a
 * development-mode case, `…, inline (sent with the start; never deployed)`. As the case's
 * resolveDefinition step recorded it.
 */
export function definitionLine(c: AuditReport['case']): string {
  const where =
    c.definitionSource === 'inline'
      ? 'inline (sent with the start to a development-mode worker; never deployed)'
      : `${c.definitionVersion !== undefined ? `version ${c.definitionVersion}` : 'a version'} from the registry` +
        `${c.deployedBy ? `, deployed by ${c.deployedBy}` : ''}${c.deployedAt ? ` at ${c.deployedAt}` : ''}`;
  return `${c.process} sha256 ${c.definitionHash}, ${where}`;
}

export function totalsLines(r: AuditReport): string[] {
  const t = r.totals;
  return [
    measureLine('first response', t.firstResponse),
    measureLine(r.totals.resolution?.target ? 'resolution' : 'end', t.resolution),
    `deadlines: ${t.deadlines.total} with someone to act: ${t.deadlines.met} met, ${t.deadlines.missed} missed, ${t.deadlines.pending} pending`,
  ].filter((l): l is string => l !== undefined);
}
