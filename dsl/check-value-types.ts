/**
 * Values that must have a type the engine can use, checked before any case runs:
 *
 * - a guard (`if`) must give true or false;
 * - a delay (`after[].delay`) must give a duration: a literal (`4h`), a string holding one, or a
 *   number of milliseconds from an expression. A bare number written as the delay (`delay: '48'`)
 *   is refused, since 48 milliseconds is rarely what was meant.
 *
 * The CEL checker gives each expression a type; what it reads from `decide.<name>` or
 * `context.<key>` it calls `dyn`, so those are looked up: every rule of the decision table (each
 * `then`, and a default rule so that some rule always answers) and every expression that sets
 * the context key. Unknowns stay accepted; what is reported would fail at run time. Pure.
 */
import { expressionType, fieldReferences, literalValue } from './cel';
import type { PathSegment } from './diagnostics';
import { bareNumberHint, isBareNumber, isDurationLiteral, suggestDuration } from './duration';
import { expressionSites } from './check-expressions';
import { asRecord, hasOwn, isRecord, stringEntries, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';
import { forEachState } from './state-tree';
import { definitionPath, transitionsOf } from './transitions';
import type { StateSpec } from './types';
import { decisionTable, hasDefaultRule } from './decision-table';
import { tableAlwaysAnswers } from './check-decision-coverage';

type Want = 'bool' | 'duration';

export function checkValueTypes(def: JsonRecord, reporter: Reporter): void {
  checkStoredValues(def, reporter);
  const contextTypes = contextKeyTypes(def);
  forEachState(asRecord(def.states) as Record<string, StateSpec>, (statePath, spec) => {
    for (const t of transitionsOf(statePath, spec)) {
      if (typeof t.spec.if === 'string' && t.spec.if.trim() !== '') checkGuard(def, t.spec.if, [...t.path, 'if'], contextTypes, reporter);
    }
    if (!Array.isArray(spec.after)) return;
    spec.after.forEach((entry, i) => {
      const delay = asRecord(entry).delay;
      if (typeof delay === 'string') checkDelay(def, delay, [...definitionPath(statePath), 'after', i, 'delay'], contextTypes, reporter);
    });
  });
}

function checkGuard(
  def: JsonRecord,
  source: string,
  path: PathSegment[],
  contextTypes: Map<string, Set<string>>,
  reporter: Reporter,
): void {
  const type = expressionType(source);
  if (type === undefined || type === 'bool') return;
  if (type !== 'dyn') {
    reporter.report(
      'GUARD_NOT_BOOLEAN',
      path,
      `condition \`${source.trim()}\` gives ${article(type)}, not true or false; compare it, e.g. \`${comparison(source.trim(), type)}\``,
    );
    return;
  }
  const read = singleRead(source);
  if (read?.variable === 'decide') return checkDecision(def, read.name, 'bool', path, reporter);
  if (read?.variable === 'context') {
    // One known type that is not a boolean is enough: the key has that type at some point.
    const types = [...(contextTypes.get(read.name) ?? [])].filter((t) => t !== 'dyn');
    if (types.some((t) => t !== 'bool')) {
      reporter.report(
        'GUARD_NOT_BOOLEAN',
        path,
        `condition \`${source.trim()}\` reads context.${read.name}, which is set to ${types
          .filter((t) => t !== 'bool')
          .map(article)
          .join(' or ')}, not true or false; compare it`,
      );
    }
  }
}

function checkDelay(
  def: JsonRecord,
  source: string,
  path: PathSegment[],
  contextTypes: Map<string, Set<string>>,
  reporter: Reporter,
): void {
  if (source.trim() === '' || isDurationLiteral(source)) return;
  if (isBareNumber(source)) {
    reporter.report('BARE_NUMBER_DELAY', path, `delay "${source.trim()}" has no unit: ${bareNumberHint(source)}`);
    return;
  }
  const type = expressionType(source);
  if (type === undefined) return; // not an expression: INVALID_DELAY says why
  const literal = literalValue(source);
  if (literal && typeof literal.value === 'string') {
    if (isDurationLiteral(literal.value)) return;
    const meant = suggestDuration(literal.value);
    reporter.report(
      'NOT_A_DURATION',
      path,
      `delay ${source.trim()} is not a duration${meant ? ` (did you mean "${meant}"?)` : ''}; write a number and a unit (ms, s, m, h, d), e.g. 4h or 1h30m`,
    );
    return;
  }
  if (type === DURATION) {
    reporter.report(
      'NOT_A_DURATION',
      path,
      `delay \`${source.trim()}\` gives a CEL duration, which the engine does not take as a delay; wrap it: \`millis(${source.trim()})\` gives milliseconds`,
    );
    return;
  }
  if (!['dyn', 'string', 'int', 'double'].includes(type)) {
    reporter.report(
      'NOT_A_DURATION',
      path,
      `delay \`${source.trim()}\` gives ${article(type)}, not a duration; give a duration like "4h" or a number of milliseconds`,
    );
    return;
  }
  const read = type === 'dyn' ? singleRead(source) : undefined;
  if (read?.variable === 'decide') return checkDecision(def, read.name, 'duration', path, reporter);
  if (read?.variable === 'context') {
    const wrong = [...(contextTypes.get(read.name) ?? [])].filter((t) => !['dyn', 'string', 'int', 'double'].includes(t));
    if (wrong.length) {
      reporter.report(
        'NOT_A_DURATION',
        path,
        `delay \`${source.trim()}\` reads context.${read.name}, which is set to ${wrong.map(article).join(' or ')}, not a duration`,
      );
    }
  }
}

const TIMESTAMP = 'google.protobuf.Timestamp';
const DURATION = 'google.protobuf.Duration';

/**
 * What is stored or sent (context, assignments, invocation input, index, log) must be JSON: a CEL
 * timestamp or duration is not, and would arrive as `{}`. Store milliseconds: `millis(…)`.
 */
function checkStoredValues(def: JsonRecord, reporter: Reporter): void {
  for (const site of expressionSites(def)) {
    const last = site.path[site.path.length - 1];
    if (site.path.includes('when') || last === 'if') continue; // conditions are not stored
    if (last === 'at') continue; // a due time is read as a time (dsl/check-timers.ts), not stored
    const type = expressionType(site.source);
    if (type !== TIMESTAMP && type !== DURATION) continue;
    const what = type === TIMESTAMP ? 'a CEL timestamp' : 'a CEL duration';
    reporter.report(
      'TIME_NOT_STORABLE',
      site.path,
      `\`${site.source.trim()}\` gives ${what}, which is not JSON and would be stored as {}; store milliseconds: \`millis(${site.source.trim()})\` (compare with now, or use as a delay)`,
    );
  }
}

/** Each rule of a decision used as a guard or a delay must give that kind of value, and some rule must always answer. */
function checkDecision(def: JsonRecord, name: string, want: Want, usedAt: PathSegment[], reporter: Reporter): void {
  if (!hasOwn(asRecord(def.decisions), name)) return; // UNKNOWN_DECISION
  const raw = asRecord(def.decisions)[name];
  const table = decisionTable(raw);
  const rules = table.rules;
  const code = want === 'bool' ? 'GUARD_NOT_BOOLEAN' : 'NOT_A_DURATION';
  const use = want === 'bool' ? 'as a condition' : 'as a delay';
  const where = `(decide.${name} is used ${use} at ${usedAt
    .filter((s) => s !== 'states')
    .join('.')
    .replace(/\.(\d+)/g, '[$1]')})`;
  if (table.hit === 'collect') {
    const gives = table.aggregate ? `a number (its ${table.aggregate})` : 'the list of its matching answers';
    reporter.report(
      code,
      ['decisions', name],
      `decision "${name}" collects, so it gives ${gives}, not ${want === 'bool' ? 'true or false' : 'a duration'} ${where}; compare it (e.g. decide.${name} > 0) or use hit: first`,
      { key: true },
    );
    return;
  }
  rules.forEach((rule, i) => {
    if (isRecord(rule) && typeof rule.compute === 'string' && want === 'bool') {
      // A computed answer is judged when CEL knows its type; `dyn` (read from data) is checked at run time.
      const type = expressionType(rule.compute);
      if (type && type !== 'bool' && type !== 'dyn')
        reporter.report(
          code,
          ['decisions', name, ...table.rulePath(i), 'compute'],
          `rule ${i + 1} of decision "${name}" computes ${article(type)}, not true or false ${where}`,
        );
      return;
    }
    if (!isRecord(rule) || !hasOwn(rule, 'then')) return;
    const value = rule.then;
    const at = ['decisions', name, ...table.rulePath(i), 'then'];
    if (want === 'bool') {
      if (typeof value !== 'boolean')
        reporter.report(code, at, `rule ${i + 1} of decision "${name}" gives ${JSON.stringify(value)}, not true or false ${where}`);
      return;
    }
    if (typeof value === 'string' && isDurationLiteral(value)) return;
    if (typeof value === 'number' || (typeof value === 'string' && isBareNumber(value))) {
      reporter.report(
        'BARE_NUMBER_DELAY',
        at,
        `rule ${i + 1} of decision "${name}" gives ${JSON.stringify(value)}, a number with no unit ${where}: ${bareNumberHint(String(value))}`,
      );
      return;
    }
    const meant = typeof value === 'string' ? suggestDuration(value) : undefined;
    reporter.report(
      code,
      at,
      `rule ${i + 1} of decision "${name}" gives ${JSON.stringify(value)}, which is not a duration${meant ? ` (did you mean "${meant}"?)` : ''} ${where}; write a number and a unit (ms, s, m, h, d), e.g. 4h or 1h30m`,
    );
  });
  // A table whose rules provably cover every input needs no default (dsl/check-decision-coverage.ts).
  if (rules.length > 0 && !hasDefaultRule(table) && tableAlwaysAnswers(def, raw) !== true) {
    reporter.report(
      code,
      ['decisions', name],
      `decision "${name}" has no default rule: when no "when" holds it gives null, which is not ${want === 'bool' ? 'true or false' : 'a duration'} ${where}; end the table with a rule that has only "then"`,
      { key: true },
    );
  }
}

/** `decide.x` or `context.x` and nothing else. */
function singleRead(source: string): { variable: 'decide' | 'context'; name: string } | undefined {
  const m = /^\s*(decide|context)\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(source);
  if (!m) return undefined;
  if (fieldReferences(source, m[1]).length !== 1) return undefined;
  return { variable: m[1] as 'decide' | 'context', name: m[2] };
}

/** For each context key, the CEL types of every expression that sets it (`dyn` when unknown). */
function contextKeyTypes(def: JsonRecord): Map<string, Set<string>> {
  const types = new Map<string, Set<string>>();
  const add = (value: unknown) => {
    for (const [key, source] of stringEntries(value)) {
      const set = types.get(key) ?? new Set<string>();
      const read = singleRead(source);
      // `priority: decide.priority` has the type of the table's answers.
      if (read?.variable === 'decide') decisionTypes(def, read.name).forEach((t) => set.add(t));
      else set.add(expressionType(source) ?? 'dyn');
      types.set(key, set);
    }
  };
  add(def.context);
  forEachState(asRecord(def.states) as Record<string, StateSpec>, (statePath, spec) => {
    for (const list of [spec.entry, spec.exit]) if (Array.isArray(list)) list.forEach((a) => add(asRecord(a).assign));
    for (const t of transitionsOf(statePath, spec)) add(t.spec.assign);
  });
  return types;
}

/** The CEL types of a decision's answers (`null` too when no rule is a default); `dyn` when unknown. */
function decisionTypes(def: JsonRecord, name: string): Set<string> {
  if (!hasOwn(asRecord(def.decisions), name)) return new Set(['dyn']);
  const raw = asRecord(def.decisions)[name];
  const table = decisionTable(raw);
  const out = new Set<string>();
  if (table.hit === 'collect') {
    // count is whole; sum, min and max are numbers (min and max null when nothing matched).
    if (!table.aggregate) return new Set(['list']);
    if (table.aggregate === 'count') return new Set(['int']);
    for (const rule of table.rules) if (isRecord(rule)) out.add(ruleType(rule));
    if (table.aggregate !== 'sum') out.add('null');
    return out;
  }
  for (const rule of table.rules) if (isRecord(rule)) out.add(ruleType(rule));
  if (!hasDefaultRule(table) && tableAlwaysAnswers(def, raw) !== true) out.add('null');
  return out;
}

/** The CEL type of a rule's answer: its `then` literal, or what CEL knows of its `compute`. */
function ruleType(rule: JsonRecord): string {
  return typeof rule.compute === 'string' ? (expressionType(rule.compute) ?? 'dyn') : jsonType(rule.then);
}

function jsonType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'map';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

function article(type: string): string {
  const names: Record<string, string> = {
    int: 'a whole number',
    double: 'a number',
    string: 'a string',
    bool: 'true or false',
    list: 'a list',
    map: 'a map',
    null: 'null',
    bytes: 'bytes',
  };
  return names[type] ?? `a value of type ${type}`;
}

/** A comparison that turns a value of this type into a condition, for the message. */
function comparison(source: string, type: string): string {
  if (type === 'string') return `${source} != ""`;
  if (type.startsWith('list') || type.startsWith('map')) return `size(${source}) > 0`;
  return `${source} > 0`;
}
