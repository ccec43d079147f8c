/**
 * What-if over the record: re-runs the recorded events of past cases through an edited
 * definition, offline, and says which cases would have ended differently or taken another path.
 *
 * Each case is re-run twice with the same recorded input, events, invocation results and times:
 * once with the definition it ran (the baseline, which reproduces the record) and once with the
 * edited one; the two are compared step by step. Events the edited definition would refuse are
 * refused (and listed); invocations it adds have no recorded result and are assumed to succeed
 * (listed as assumptions). A case that ended failed, cancelled or in a final state with
 * `compensate: true` lists the compensations it runs, newest first (audit/rerun-compensations.ts),
 * and other compensations count as another end. The engine's own resolveDefinition step is not compared: it is not
 * part of the definition. Cases of other processes are skipped, and so are histories that cannot
 * be read as a case (another workflow, recorded before start-by-name, a definition that does not
 * match its hash: the reason is the skip note). Running cases are not touched: they keep the
 * definition their resolveDefinition step recorded.
 *
 * @example
 *   const report = await whatIf(editedDefinition, ['tests/histories']);
 *   report.cases.filter((c) => c.changed).map((c) => c.workflowId);
 */
import type { ProcessDefinition } from '../dsl/types';
import { definitionHash } from '../dsl/hash';
import { caseInput } from './case-input';
import { AuditError } from './errors';
import { historyFacts } from './history-facts';
import { listHistoryFiles, readHistoryFile } from './history-file';
import { rerunCase, type RerunRejection, type RerunResult } from './rerun';

export interface WhatIfRun {
  /** The states entered, step by step (`event → state`). */
  steps: string[];
  state: string[];
  status: RerunResult['status'];
  outcome?: string;
  rejected: RerunRejection[];
  /** What the case undoes once it ended, in the order it runs them: `notify (for notify in fulfilling.announcing)`. */
  compensations: string[];
  assumptions: string[];
}

export interface WhatIfCase {
  file: string;
  workflowId: string;
  /** Why the case was not compared (another process, not a history). */
  skipped?: string;
  recorded?: WhatIfRun;
  edited?: WhatIfRun;
  /** Another path, another end, or events refused that were taken. */
  changed: boolean;
  /** Another final state, outcome, status, or other compensations run at the end. */
  endsDifferently: boolean;
  /** The first step where the two runs part. */
  divergence?: { step: number; recorded?: string; edited?: string };
  /** False when the baseline re-run does not reproduce the timeline the case returned (then the comparison is suspect). */
  baselineMatchesRecord?: boolean;
}

export interface WhatIfReport {
  process: string;
  definitionHash: string;
  cases: WhatIfCase[];
  summary: { histories: number; compared: number; changed: number; endsDifferently: number; skipped: number };
}

export async function whatIf(definition: ProcessDefinition, paths: string | string[]): Promise<WhatIfReport> {
  const files = await listHistoryFiles(paths);
  const cases: WhatIfCase[] = [];
  for (const path of files) cases.push(await compareCase(definition, path));
  const compared = cases.filter((c) => !c.skipped);
  return {
    process: definition.process,
    definitionHash: definitionHash(definition),
    cases,
    summary: {
      histories: cases.length,
      compared: compared.length,
      changed: compared.filter((c) => c.changed).length,
      endsDifferently: compared.filter((c) => c.endsDifferently).length,
      skipped: cases.length - compared.length,
    },
  };
}

async function compareCase(definition: ProcessDefinition, path: string): Promise<WhatIfCase> {
  let file;
  let started;
  try {
    file = await readHistoryFile(path);
    started = caseInput(file);
  } catch (err) {
    if (!(err instanceof AuditError)) throw err;
    return { file: path, workflowId: '', skipped: err.message, changed: false, endsDifferently: false };
  }
  const base = { file: path, workflowId: started.workflowId, changed: false, endsDifferently: false };
  if (started.definition.process !== definition.process) {
    return { ...base, skipped: `a ${started.definition.process} case, not ${definition.process}` };
  }
  const recorded = summarize(rerunCase(file));
  const edited = summarize(rerunCase(file, { definition }));
  const endsDifferently =
    recorded.status !== edited.status ||
    recorded.outcome !== edited.outcome ||
    recorded.state.join() !== edited.state.join() ||
    recorded.compensations.join() !== edited.compensations.join();
  const step = firstDifference(recorded.steps, edited.steps);
  const refusedNow = edited.rejected.length !== recorded.rejected.length;
  const result = historyFacts(file).end?.result;
  const recordedSteps = result?.timeline
    ?.filter((e) => e.kind === 'transition')
    .map((e) => (e.kind === 'transition' ? stepOf(e.event, e.to) : ''));
  return {
    ...base,
    recorded,
    edited,
    changed: endsDifferently || step !== undefined || refusedNow,
    endsDifferently,
    divergence: step === undefined ? undefined : { step, recorded: recorded.steps[step], edited: edited.steps[step] },
    baselineMatchesRecord: recordedSteps ? firstDifference(recordedSteps, recorded.steps) === undefined : undefined,
  };
}

function summarize(run: RerunResult): WhatIfRun {
  return {
    steps: run.transitions.map((t) => stepOf(t.event, t.to)),
    state: run.state,
    status: run.status,
    outcome: run.outcome,
    rejected: run.rejected,
    compensations: run.compensations.map((c) => `${c.name} (for ${c.compensates} in ${c.state})`),
    assumptions: run.assumptions,
  };
}

const stepOf = (event: string, to: string[]) => `${event} → ${to.join(', ')}`;

function firstDifference(a: string[], b: string[]): number | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return undefined;
}
