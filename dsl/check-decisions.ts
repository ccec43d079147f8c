/**
 * Decision tables are read top to bottom and the first matching rule wins, so a rule without
 * `when` (which always matches) hides every rule after it. Pure.
 */
import { asRecord, isRecord, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';

export function checkDecisionTables(def: JsonRecord, reporter: Reporter): void {
  for (const [name, rules] of Object.entries(asRecord(def.decisions))) {
    if (!Array.isArray(rules)) continue;
    const catchAll = rules.findIndex((rule) => isRecord(rule) && rule.when === undefined);
    if (catchAll < 0 || catchAll === rules.length - 1) continue;
    const hidden = rules.length - 1 - catchAll;
    reporter.report(
      'UNREACHABLE_RULE',
      ['decisions', name, catchAll],
      `rule ${catchAll + 1} of decision "${name}" has no "when", so it always matches and the ${hidden === 1 ? 'rule' : `${hidden} rules`} after it can never match; move it last or add a when`,
    );
  }
}
