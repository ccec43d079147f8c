/**
 * The business timeline of one case, rebuilt from its history alone: who did what with which
 * role and when, every transition, refused events, deadlines, activities with their attempts,
 * child processes and timers, under which definition (id, content hash, registry version, who
 * deployed it and when, as the case's resolveDefinition step recorded them), plus the digest that
 * proves the record was not altered. The resolveDefinition step itself is the engine's, not the
 * definition's: it is not among the activities.
 *
 * The transitions come from the workflow itself: replaying the history with the current code,
 * the workflow reports each timeline entry to the audit sink. When replay is skipped or fails,
 * the record falls back to the result the case returned (a completed case carries its timeline),
 * else to an offline re-run with the pinned definition; `timelineSource` says which.
 */
import { toMermaid } from '../compiler/mermaid';
import type { TimelineActor, TimelineEntry } from '../contract/wire';
import type { ProcessDefinition } from '../dsl/types';
import { caseInput } from './case-input';
import { deadlineReports, totals, type DeadlineReport, type Totals } from './deadlines';
import { historyDigest, type HistoryDigest } from './digest';
import { historyFacts, type ActivityRecord, type ChildRecord, type RunEnd, type TimerRecord } from './history-facts';
import type { HistoryFile } from './history-file';
import { replayHistoryFile, type ReplayFailure, type ReplayOptions } from './replay';
import { rerunCase, type RerunResult } from './rerun';

export interface AuditOptions {
  /** Replay the history with the workflow code (default true). False: no bundling, no proof. */
  replay?: boolean;
  /** Where the workflow code comes from (see `replayHistories`). */
  replayOptions?: Omit<ReplayOptions, 'onProgress'>;
}

export interface AuditCase {
  workflowId: string;
  runId?: string;
  continuedFrom?: string;
  process: string;
  title: string;
  definitionHash: string;
  /** Registry version number; absent for an inline (development-mode) definition. */
  definitionVersion?: number;
  /** `registry`: a deployed version; `inline`: sent with the start to a development-mode worker. */
  definitionSource: 'registry' | 'inline';
  deployedBy?: string;
  deployedAt?: string;
  /** When the worker's resolveDefinition step recorded the definition. */
  definitionResolvedAt: string;
  /** Child process → the definition hash pinned for it. */
  childVersions: Record<string, string>;
  startedAt: string;
  status: 'running' | RunEnd['status'];
  endedAt?: string;
  outcome?: string;
  state: string[];
  input: Record<string, unknown>;
}

export interface AuditReport {
  file: string;
  digest: HistoryDigest;
  events: number;
  case: AuditCase;
  replay: { performed: boolean; ok?: boolean; failure?: ReplayFailure; note?: string };
  timelineSource: 'replay' | 'result' | 'rerun';
  timeline: TimelineEntry[];
  /** States in the order the case entered them (repeats included). */
  path: string[];
  /** Actors and the roles they acted with. */
  actors: Array<{ id: string; roles: string[]; events: number; issuers?: string[] }>;
  activities: ActivityRecord[];
  children: ChildRecord[];
  timers: TimerRecord[];
  deadlines: DeadlineReport[];
  totals: Totals;
  /** Mermaid `stateDiagram-v2` of the pinned definition with the visited states highlighted. */
  mermaid: string;
}

export async function auditHistory(file: HistoryFile, options: AuditOptions = {}): Promise<AuditReport> {
  const started = caseInput(file);
  const facts = historyFacts(file);
  const rerun = rerunCase(file);
  const replayed = options.replay === false ? undefined : await replayHistoryFile(file, options.replayOptions);

  let timelineSource: AuditReport['timelineSource'];
  let timeline: TimelineEntry[];
  if (replayed?.ok && replayed.timeline.length) {
    timelineSource = 'replay';
    timeline = replayed.timeline;
  } else if (facts.end?.result?.timeline?.length) {
    timelineSource = 'result';
    timeline = facts.end.result.timeline;
  } else {
    timelineSource = 'rerun';
    timeline = rerunTimeline(rerun, started.definition, started.definitionHash, facts.end, started.args.resume?.run);
  }

  const deadlines = deadlineReports(rerun, started.definition);
  const path = pathOf(timeline);
  const end = facts.end;
  return {
    file: file.file,
    digest: historyDigest(file.history),
    events: facts.events,
    case: {
      workflowId: started.workflowId,
      runId: started.runId,
      continuedFrom: started.continuedFrom,
      process: started.definition.process,
      title: started.definition.title,
      definitionHash: started.definitionHash,
      definitionVersion: started.definitionVersion,
      definitionSource: started.definitionSource,
      deployedBy: started.deployedBy,
      deployedAt: started.deployedAt,
      definitionResolvedAt: started.resolvedAt,
      childVersions: started.children,
      startedAt: started.startedAt,
      status: end?.status ?? 'running',
      endedAt: end?.at,
      outcome: end?.result?.outcome,
      state: end?.result?.state ?? rerun.state,
      input: started.input,
    },
    replay: replayed ? { performed: true, ok: replayed.ok, failure: replayed.failure, note: replayed.note } : { performed: false },
    timelineSource,
    timeline,
    path,
    actors: actorsOf(timeline),
    activities: facts.activities,
    children: facts.children,
    timers: facts.timers,
    deadlines,
    totals: totals(rerun, deadlines, started.startedAt),
    mermaid: toMermaid(started.definition, { highlight: [...new Set(path)] }),
  };
}

/** The states a timeline entered, in order. */
export function pathOf(timeline: TimelineEntry[]): string[] {
  const out: string[] = [];
  for (const e of timeline) {
    if (e.kind === 'started' || e.kind === 'continued') out.push(...e.state);
    if (e.kind === 'transition') out.push(...e.to.filter((s) => !e.from.includes(s)));
  }
  return out;
}

function actorsOf(timeline: TimelineEntry[]): AuditReport['actors'] {
  const byId = new Map<string, { id: string; roles: Set<string>; events: number; issuers: Set<string> }>();
  for (const e of timeline) {
    if ((e.kind !== 'transition' && e.kind !== 'rejected') || !e.actor) continue;
    const a = byId.get(e.actor.id) ?? { id: e.actor.id, roles: new Set<string>(), events: 0, issuers: new Set<string>() };
    e.actor.roles.forEach((r) => a.roles.add(r));
    // Only accepted events were verified; a refused Signal's actor is what the sender claimed.
    if (e.kind === 'transition' && e.actor.issuer) a.issuers.add(e.actor.issuer);
    a.events++;
    byId.set(a.id, a);
  }
  return [...byId.values()].map((a) => ({
    id: a.id,
    roles: [...a.roles],
    events: a.events,
    ...(a.issuers.size ? { issuers: [...a.issuers] } : {}),
  }));
}

/** The re-run's record in the workflow's own timeline shape. */
function rerunTimeline(rerun: RerunResult, def: ProcessDefinition, hash: string, end?: RunEnd, resumedRun?: number): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const initial = rerun.transitions[0]?.from ?? rerun.state;
  // Where the workflow starts its machine: once the definition is resolved.
  if (resumedRun !== undefined) out.push({ kind: 'continued', at: rerun.startedAt, run: resumedRun, state: initial });
  else out.push({ kind: 'started', at: rerun.startedAt, state: initial, definition: def.process, hash });
  const fired = new Map(rerun.deadlines.filter((d) => d.status === 'fired').map((d) => [`${d.endedAt}|after:${d.name}`, d]));
  for (const t of rerun.transitions) {
    const d = fired.get(`${t.at}|${t.event}`);
    if (d) out.push({ kind: 'deadline', at: t.at, name: d.name, state: d.state, due: d.due, target: d.target });
    out.push({ kind: 'transition', at: t.at, event: t.event, actor: t.actor as TimelineActor | undefined, from: t.from, to: t.to });
  }
  for (const r of rerun.rejected) out.push({ kind: 'rejected', at: r.at, event: r.event, actor: r.actor, code: r.code, reason: r.reason });
  if (rerun.status === 'completed' && end) out.push({ kind: 'completed', at: end.at, outcome: rerun.outcome!, state: rerun.state });
  return out.sort((a, b) => a.at.localeCompare(b.at));
}
