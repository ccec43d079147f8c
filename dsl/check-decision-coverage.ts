/**
 * The two checks DMN tools make on a decision table, where they can be proved (the condition
 * forms of dsl/decision-conditions.ts; a table with any other condition is not judged, so there
 * are no false alarms):
 *
 * - DECISION_OVERLAP: under `hit: unique`, two rules that some input matches both. At run time
 *   that input fails the case (DECISION_NOT_UNIQUE), so it is refused before deployment.
 * - DECISION_GAP: under `first` or `unique`, an input value no rule matches (the "threshold gap":
 *   `amount < 1000` and `amount > 1000` leave 1000 out), where the table would answer null. Judged
 *   when the table has no default rule and every rule tests the same one path; numbers over all
 *   numbers (within the input schema's minimum/maximum, whole numbers only for `type: integer`),
 *   text only against the input schema's `enum` (without one, the values are endless).
 *
 * `collect` tables are not judged: several matches are their point, and none is an empty answer.
 * Nor are tables of more than MAX_JUDGED_RULES rules: both checks grow with the square of the
 * rules, and the registry validates every deployment (a hostile table must not stall it). Pure.
 */
import { decisionTable, type DecisionTableView } from './decision-table';
import { ALL_NUMBERS, findNumber, intersect, ruleBox, type Box, type Constraint, type Interval } from './decision-conditions';
import { asRecord, hasOwn, isRecord, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';

/** Larger tables are not judged (see above); far beyond any table a person maintains by hand. */
export const MAX_JUDGED_RULES = 500;

export function checkDecisionCoverage(def: JsonRecord, reporter: Reporter): void {
  for (const [name, raw] of Object.entries(asRecord(def.decisions))) {
    const table = decisionTable(raw);
    if (table.rules.length === 0 || table.rules.length > MAX_JUDGED_RULES || table.hit === 'collect') continue;
    const boxes = table.rules.map((rule) => (isRecord(rule) ? ruleBox(rule.when) : undefined));
    if (table.hit === 'unique') reportOverlaps(def, name, table, boxes, reporter);
    const gap = findGap(def, table, boxes);
    if (gap === undefined || gap === 'covered') continue;
    reporter.report(
      'DECISION_GAP',
      ['decisions', name],
      `no rule of decision "${name}" matches ${gap}, so decide.${name} is null there; add a rule that covers it, or end the table with a default rule (only "then")`,
      { key: true },
    );
  }
}

/**
 * Whether every input gets an answer from the table: true when it has a default rule or its rules
 * provably cover every value, false when a gap is proved, undefined when it cannot be told.
 */
export function tableAlwaysAnswers(def: JsonRecord, raw: unknown): boolean | undefined {
  const table = decisionTable(raw);
  const gap = findGap(
    def,
    table,
    table.rules.map((rule) => (isRecord(rule) ? ruleBox(rule.when) : undefined)),
  );
  return gap === undefined ? undefined : gap === 'covered';
}

function reportOverlaps(def: JsonRecord, name: string, table: DecisionTableView, boxes: Array<Box | undefined>, reporter: Reporter): void {
  for (let j = 1; j < boxes.length; j++) {
    const later = boxes[j];
    if (!later) continue;
    for (let i = 0; i < j; i++) {
      const earlier = boxes[i];
      const example = earlier && commonExample(def, earlier, later);
      if (example === undefined) continue;
      const rule = table.rules[j];
      reporter.report(
        'DECISION_OVERLAP',
        ['decisions', name, ...table.rulePath(j), ...(isRecord(rule) && rule.when !== undefined ? ['when'] : [])],
        `rules ${i + 1} and ${j + 1} of decision "${name}" both match ${example}; its hit policy is unique, so such a case would fail with DECISION_NOT_UNIQUE; make the conditions exclusive (e.g. <= on one, > on the other) or use hit: first`,
      );
      break; // one report per rule is enough to act on
    }
  }
}

/** An input both boxes match, shown as `a = 1, b = "x"`; undefined when none exists or it cannot be told. */
function commonExample(def: JsonRecord, a: Box, b: Box): string | undefined {
  const parts: string[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(path);
    const y = b.get(path);
    const both = x && y ? intersect(x, y) : (x ?? y)!;
    if (!both) return undefined; // numbers on one side, text on the other
    if (both.kind === 'number' && both.interval.lo > both.interval.hi) return undefined; // disjoint: the common case, decided at once
    const value = exampleOf(domainOf(def, path), both);
    if (value === undefined) return undefined;
    parts.push(`${path} = ${JSON.stringify(value)}`);
  }
  return parts.length ? parts.join(', ') : 'every input (neither has a condition)';
}

function exampleOf(domain: Domain, c: Constraint): number | string | undefined {
  if (c.kind === 'number') return findNumber(domain.numbers, domain.integer, [c.interval], []);
  return c.values.find((v) => !domain.texts || domain.texts.includes(v));
}

/** The uncovered value (`input.amount = 1000`), 'covered', or undefined when it cannot be told. */
function findGap(def: JsonRecord, table: DecisionTableView, boxes: Array<Box | undefined>): string | 'covered' | undefined {
  if (boxes.some((b) => b?.size === 0)) return 'covered'; // a default rule
  if (boxes.length > MAX_JUDGED_RULES) return undefined;
  if (boxes.some((b) => b === undefined || b.size !== 1)) return undefined;
  const paths = new Set(boxes.flatMap((b) => [...b!.keys()]));
  if (paths.size !== 1 || table.rules.length === 0) return undefined;
  const [path] = paths;
  const constraints = boxes.map((b) => b!.get(path)!);
  const domain = domainOf(def, path);
  if (constraints.every((c) => c.kind === 'number')) {
    const intervals = constraints.map((c) => (c as { interval: Interval }).interval);
    const value = findNumber(domain.numbers, domain.integer, [], intervals);
    return value === undefined ? 'covered' : `${path} = ${value}`;
  }
  if (constraints.every((c) => c.kind === 'string') && domain.texts) {
    const covered = new Set(constraints.flatMap((c) => (c as { values: string[] }).values));
    const missing = domain.texts.filter((v) => !covered.has(v));
    return missing.length === 0 ? 'covered' : `${path} = ${missing.map((v) => JSON.stringify(v)).join(' or ')}`;
  }
  return undefined;
}

interface Domain {
  numbers: Interval;
  integer: boolean;
  /** The only text values, when the input schema lists them (`enum`). */
  texts?: string[];
}

/** What values a path can have: from the input schema for `input.…`, anything otherwise. */
function domainOf(def: JsonRecord, path: string): Domain {
  const open: Domain = { numbers: ALL_NUMBERS, integer: false };
  const [root, ...fields] = path.split('.');
  if (root !== 'input' || fields.length === 0) return open;
  let schema: unknown = def.input;
  for (const field of fields) {
    const properties = asRecord(asRecord(schema).properties);
    if (!hasOwn(properties, field)) return open;
    schema = properties[field];
  }
  const s = asRecord(schema);
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const lo = num(s.exclusiveMinimum) ?? num(s.minimum);
  const hi = num(s.exclusiveMaximum) ?? num(s.maximum);
  const texts = Array.isArray(s.enum) && s.enum.every((v) => typeof v === 'string') ? (s.enum as string[]) : undefined;
  return {
    numbers: {
      lo: lo ?? -Infinity,
      loOpen: lo === undefined || num(s.exclusiveMinimum) !== undefined,
      hi: hi ?? Infinity,
      hiOpen: hi === undefined || num(s.exclusiveMaximum) !== undefined,
    },
    integer: s.type === 'integer',
    ...(texts ? { texts } : {}),
  };
}
