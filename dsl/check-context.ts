/**
 * Context keys: every `context.<key>` an expression reads must be declared, by the `context`
 * section or by an `assign` somewhere in the definition; otherwise the first case to evaluate it
 * fails with "No such key". Reads inside `has(…)` are tests and may name anything. The `context`
 * section itself is computed before there is a context, so its expressions (and the decisions
 * they read) may not read `context` at all. Pure.
 */
import { fieldReferences } from './cel';
import type { PathSegment } from './diagnostics';
import { asRecord, isRecord, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';
import { forEachState } from './state-tree';
import { listNames, suggest } from './suggest';
import { processTransitions } from './process-events';
import { transitionsOf } from './transitions';
import type { StateSpec } from './types';
import { delaySites, expressionSites } from './check-expressions';
import { decisionsReadBy } from './check-decision-order';
import { decisionTable } from './decision-table';

export function checkContextKeys(def: JsonRecord, reporter: Reporter): void {
  const declared = declaredContextKeys(def);
  const sites = [...expressionSites(def), ...delaySites(def)];
  for (const site of sites) {
    if (site.path[0] === 'context') {
      checkInitialContext(def, site, reporter);
      continue;
    }
    for (const ref of fieldReferences(site.source, 'context')) {
      if (ref.tested || declared.has(ref.name)) continue;
      const near = suggest(ref.name, declared);
      const hint = near ? `did you mean "context.${near}"? ` : '';
      reporter.report(
        'UNKNOWN_CONTEXT_KEY',
        site.path,
        `context key "${ref.name}" is never set: ${hint}declare it under context (or assign it) first${declared.size ? `; declared keys: ${listNames([...declared])}` : ''}`,
        { offset: ref.offset },
      );
    }
  }
}

/** The initial context is computed from input, decide, now and caseId: there is no context yet. */
function checkInitialContext(def: JsonRecord, site: { path: PathSegment[]; source: string }, reporter: Reporter): void {
  const direct = fieldReferences(site.source, 'context').find((r) => !r.tested);
  if (direct) {
    reporter.report(
      'UNKNOWN_CONTEXT_KEY',
      site.path,
      `the initial context cannot read context.${direct.name}: it is computed before any key is set; use input, decide or now, or set the key in an entry assign`,
      { offset: direct.offset },
    );
    return;
  }
  for (const name of decisionsReadBy(def, site.source)) {
    const rules = decisionTable(asRecord(def.decisions)[name]).rules;
    const reader = rules.findIndex(
      (r) =>
        isRecord(r) && [r.when, r.compute].some((s) => typeof s === 'string' && fieldReferences(s, 'context').some((ref) => !ref.tested)),
    );
    if (reader < 0) continue;
    reporter.report(
      'UNKNOWN_CONTEXT_KEY',
      site.path,
      `the initial context reads decide.${name}, whose rule ${reader + 1} reads context, which is not set yet; compute this key in an entry assign, or make the rule read input`,
    );
    return;
  }
}

/** Keys of the `context` section and of every `assign` (entry, exit, transitions). */
export function declaredContextKeys(def: JsonRecord): Set<string> {
  const keys = new Set(Object.keys(asRecord(def.context)));
  const addAssign = (value: unknown) => Object.keys(asRecord(value)).forEach((k) => keys.add(k));
  forEachState(asRecord(def.states) as Record<string, StateSpec>, (statePath, spec) => {
    for (const list of [spec.entry, spec.exit]) if (Array.isArray(list)) list.forEach((a) => addAssign(asRecord(a).assign));
    for (const t of transitionsOf(statePath, spec)) addAssign(t.spec.assign);
  });
  for (const t of processTransitions(def)) addAssign(t.spec.assign);
  return keys;
}
