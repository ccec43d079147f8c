/**
 * Every CEL expression in a definition must parse, name only the variables the engine provides,
 * and read only declared decisions (`decide.<name>`). Problems point into the expression when
 * the source allows it. `after[].delay` is either a duration literal or an expression. Pure.
 */
import { CEL_VARIABLES, checkExpression, decisionReferences, type CelProblem } from './cel';
import { celSyntaxHint, constantHint } from './cel-hints';
import type { PathSegment } from './diagnostics';
import { isDurationLiteral, suggestDuration } from './duration';
import { asRecord, isRecord, stringEntries, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';
import { forEachState } from './state-tree';
import { listNames, suggest } from './suggest';
import { processTransitions } from './process-events';
import { definitionPath, transitionsOf } from './transitions';
import type { StateSpec } from './types';
import { decisionTable } from './decision-table';

interface Site {
  path: PathSegment[];
  source: string;
}

export function checkExpressions(def: JsonRecord, reporter: Reporter): void {
  const decisions = Object.keys(asRecord(def.decisions));
  for (const site of expressionSites(def)) {
    const problem = safeCheck(site.source);
    if (problem) {
      reportProblem(site, problem, reporter);
      continue;
    }
    checkDecisions(site, decisions, reporter);
  }
  for (const site of delaySites(def)) {
    const problem = safeCheck(site.source);
    if (!problem) {
      checkDecisions(site, decisions, reporter);
      continue;
    }
    const meant = suggestDuration(site.source);
    reporter.report(
      'INVALID_DELAY',
      site.path,
      meant
        ? `delay "${site.source}" is not a duration (did you mean "${meant}"?): write a number and a unit (ms, s, m, h, d) with no space, like 4h, 90s or 1h30m`
        : `delay "${site.source}" is neither a duration (like 4h, 90s, 1h30m) nor a valid expression: ${problemText(problem)}`,
      { offset: meant ? undefined : problem.offset },
    );
  }
}

/** The `after[].delay` values written as expressions (not duration literals). */
export function delaySites(def: JsonRecord): Site[] {
  const sites: Site[] = [];
  forEachState(asRecord(def.states) as Record<string, StateSpec>, (statePath, spec) => {
    if (!Array.isArray(spec.after)) return;
    spec.after.forEach((delay, i) => {
      const source = asRecord(delay).delay;
      if (typeof source !== 'string' || source.trim() === '' || isDurationLiteral(source)) return;
      sites.push({ path: [...definitionPath(statePath), 'after', i, 'delay'], source });
    });
  });
  return sites;
}

function reportProblem(site: Site, problem: CelProblem, reporter: Reporter): void {
  const unknown = /^Unknown variable: (\S+)/.exec(problem.message);
  const constant = unknown ? constantHint(unknown[1]) : undefined;
  if (unknown && constant) {
    reporter.report(
      'INVALID_EXPRESSION',
      site.path,
      `invalid expression \`${clip(site.source)}\`: "${unknown[1]}" is written ${constant} in CEL`,
      { offset: problem.offset },
    );
    return;
  }
  if (unknown) {
    const name = unknown[1];
    const near = suggest(name, CEL_VARIABLES);
    reporter.report(
      'UNKNOWN_VARIABLE',
      site.path,
      `unknown variable "${name}" in expression (${near ? `did you mean "${near}"? ` : ''}expressions may use ${CEL_VARIABLES.join(', ')})${near ? '' : quoteHint(site.source, name)}`,
      { offset: problem.offset },
    );
    return;
  }
  const hint = celSyntaxHint(site.source, problem.message);
  if (hint) {
    reporter.report('INVALID_EXPRESSION', site.path, `invalid expression \`${clip(site.source)}\`: ${hint.message}`, {
      offset: hint.offset,
    });
    return;
  }
  reporter.report('INVALID_EXPRESSION', site.path, `invalid expression \`${clip(site.source)}\`: ${problemText(problem)}`, {
    offset: problem.offset,
  });
}

/** A bare word that is the whole expression was most likely meant as text: say how to quote it. */
function quoteHint(source: string, name: string): string {
  if (source.trim() !== name) return '';
  return `; if you meant the text "${name}", quote it inside the YAML value: '"${name}"'`;
}

function checkDecisions(site: Site, decisions: string[], reporter: Reporter): void {
  for (const name of decisionReferences(site.source)) {
    if (decisions.includes(name)) continue;
    const near = suggest(name, decisions);
    const hint =
      decisions.length === 0
        ? ' (no decisions are declared; add it under decisions)'
        : near
          ? ` (did you mean "decide.${near}"?)`
          : ` (declared decisions: ${listNames(decisions)})`;
    const offset = site.source.search(new RegExp(`\\bdecide\\s*\\.\\s*${name.replace(/[^\w]/g, '\\$&')}\\b`));
    reporter.report('UNKNOWN_DECISION', site.path, `unknown decision "decide.${name}"${hint}`, { offset: offset < 0 ? undefined : offset });
  }
}

/** Where expressions live: context, decision conditions, index, guards, assigns, logs, invoke input. */
export function expressionSites(def: JsonRecord): Site[] {
  const sites: Site[] = [];
  const map = (value: unknown, at: PathSegment[]): void => {
    for (const [key, source] of stringEntries(value)) sites.push({ path: [...at, key], source });
  };
  const one = (value: unknown, at: PathSegment[]): void => {
    if (typeof value === 'string') sites.push({ path: at, source: value });
  };
  const actions = (value: unknown, at: PathSegment[]): void => {
    if (!Array.isArray(value)) return;
    value.forEach((action, i) => {
      map(asRecord(action).assign, [...at, i, 'assign']);
      one(asRecord(action).log, [...at, i, 'log']);
    });
  };
  map(def.context, ['context']);
  for (const [name, raw] of Object.entries(asRecord(def.decisions))) {
    const table = decisionTable(raw);
    table.rules.forEach((rule, i) => {
      one(asRecord(rule).when, ['decisions', name, ...table.rulePath(i), 'when']);
      one(asRecord(rule).compute, ['decisions', name, ...table.rulePath(i), 'compute']);
    });
  }
  map(def.index, ['index']);
  for (const t of processTransitions(def)) {
    one(t.spec.if, [...t.path, 'if']);
    map(t.spec.assign, [...t.path, 'assign']);
  }
  forEachState(asRecord(def.states) as Record<string, StateSpec>, (statePath, spec) => {
    const at = definitionPath(statePath);
    actions(spec.entry, [...at, 'entry']);
    actions(spec.exit, [...at, 'exit']);
    for (const t of transitionsOf(statePath, spec)) {
      one(t.spec.if, [...t.path, 'if']);
      if (t.kind === 'after') one(t.spec.at, [...t.path, 'at']);
      map(t.spec.assign, [...t.path, 'assign']);
    }
    if (isRecord(spec.invoke)) map(spec.invoke.with, [...at, 'invoke', 'with']);
    if (isRecord(spec.invoke)) map(asRecord(spec.invoke.compensate).with, [...at, 'invoke', 'compensate', 'with']);
    map(spec.output, [...at, 'output']);
    if (isRecord(spec.outcome)) one(spec.outcome.expr, [...at, 'outcome', 'expr']);
  });
  // Empty strings are the schema check's to report.
  return sites.filter((s) => s.source.trim() !== '');
}

/** checkExpression, but an expression too deep or odd for the checker is a problem, not a crash. */
function safeCheck(source: string): CelProblem | undefined {
  try {
    return checkExpression(source);
  } catch (err) {
    return { message: `could not be checked (${(err as Error)?.message ?? String(err)}); simplify it`, offset: 0 };
  }
}

function problemText(problem: CelProblem): string {
  const text = problem.message;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function clip(source: string): string {
  const line = source.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 60)}…` : line;
}
