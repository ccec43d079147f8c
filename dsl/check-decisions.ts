/**
 * The shape of each decision table beyond what the schema says. Under `first`, rules are read top
 * to bottom and the first matching rule wins, so a rule without `when` (which always matches)
 * hides every rule after it. An `aggregate` folds the matches of a `collect` table into one
 * number, so it needs `hit: collect`, and `sum`, `min` and `max` need every `then` a number.
 * Pure.
 */
import { decisionTable } from './decision-table';
import { asRecord, hasOwn, isRecord, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';

export function checkDecisionTables(def: JsonRecord, reporter: Reporter): void {
  for (const [name, raw] of Object.entries(asRecord(def.decisions))) {
    const table = decisionTable(raw);
    const { rules } = table;
    if (isRecord(raw) && raw.aggregate !== undefined && table.hit !== 'collect') {
      reporter.report(
        'INVALID_VALUE',
        ['decisions', name, 'aggregate'],
        `decision "${name}" has an aggregate but hit policy ${table.hit}; an aggregate folds the matches of a collect table: add \`hit: collect\` or remove aggregate`,
      );
    }
    rules.forEach((rule, i) => {
      if (!isRecord(rule) || hasOwn(rule, 'then') !== (rule.compute !== undefined)) return;
      const both = hasOwn(rule, 'then');
      reporter.report(
        both ? 'INVALID_VALUE' : 'MISSING_KEY',
        ['decisions', name, ...table.rulePath(i)],
        both
          ? `rule ${i + 1} of decision "${name}" has both then and compute; keep then for a fixed value or compute for an expression`
          : `rule ${i + 1} of decision "${name}" needs then (its value) or compute (an expression giving it)`,
      );
    });
    if (table.hit === 'collect' && table.aggregate && table.aggregate !== 'count') {
      rules.forEach((rule, i) => {
        if (!isRecord(rule) || typeof rule.then === 'number') return;
        if (typeof rule.compute === 'string') return; // its type is known at run time; a non-number fails the case there
        reporter.report(
          'INVALID_VALUE',
          ['decisions', name, ...table.rulePath(i), 'then'],
          `rule ${i + 1} of decision "${name}" gives ${JSON.stringify(rule.then)}, but aggregate ${table.aggregate} needs a number from every rule; give a number, or use aggregate count or none (the list of answers)`,
        );
      });
    }
    if (table.hit !== 'first') continue; // under unique a default rule is an overlap, under collect it always contributes
    const catchAll = rules.findIndex((rule) => isRecord(rule) && rule.when === undefined);
    if (catchAll < 0 || catchAll === rules.length - 1) continue;
    const hidden = rules.length - 1 - catchAll;
    reporter.report(
      'UNREACHABLE_RULE',
      ['decisions', name, ...table.rulePath(catchAll)],
      `rule ${catchAll + 1} of decision "${name}" has no "when", so it always matches and the ${hidden === 1 ? 'rule' : `${hidden} rules`} after it can never match; move it last or add a when`,
    );
  }
}
