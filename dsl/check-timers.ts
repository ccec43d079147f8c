/**
 * The `after` entries' own rules (issue 13): each waits either for a `delay` or until a time
 * `at:`, not both and not neither, and an `at:` expression must give a time the engine can read
 * (compiler/timer-due.ts): a CEL timestamp, epoch milliseconds or an RFC 3339 string. What it
 * reads from context or a decision is `dyn` to the checker and accepted here; a wrong value there
 * fails the case at run time with EXPRESSION_FAILED naming the state. Pure.
 */
import { expressionType, literalValue } from './cel';
import { asRecord, isRecord, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';
import { forEachState } from './state-tree';
import { definitionPath } from './transitions';
import type { StateSpec } from './types';

const TIMESTAMP = 'google.protobuf.Timestamp';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

export function checkTimers(def: JsonRecord, reporter: Reporter): void {
  forEachState(asRecord(def.states) as Record<string, StateSpec>, (statePath, spec) => {
    if (!Array.isArray(spec.after)) return;
    spec.after.forEach((entry, i) => {
      if (!isRecord(entry)) return;
      const path = [...definitionPath(statePath), 'after', i];
      const hasDelay = entry.delay !== undefined;
      const hasAt = entry.at !== undefined;
      if (hasDelay && hasAt) {
        reporter.report(
          'INVALID_TIMER',
          [...path, 'at'],
          'timer has both "delay" and "at"; keep one: "delay" waits a duration from entering the state, "at" waits until a time',
          { key: true },
        );
      } else if (!hasDelay && !hasAt) {
        reporter.report(
          'INVALID_TIMER',
          path,
          'timer needs "delay" (a duration such as 4h, or an expression giving one) or "at" (an expression giving a time)',
        );
      }
      if (typeof entry.at === 'string' && entry.at.trim() !== '') checkAt(entry.at, [...path, 'at'], reporter);
    });
  });
}

function checkAt(source: string, path: Array<string | number>, reporter: Reporter): void {
  const type = expressionType(source);
  if (type === undefined || type === TIMESTAMP || type === 'int' || type === 'dyn') return; // undefined: INVALID_EXPRESSION says why
  const text = source.trim();
  if (type === 'string') {
    const literal = literalValue(source);
    if (!literal || typeof literal.value !== 'string' || RFC3339.test(literal.value)) return;
    reporter.report(
      'AT_NOT_A_TIME',
      path,
      `at ${text} is not an RFC 3339 time; write one like "2026-01-05T18:00:00Z", or an expression giving a timestamp or epoch milliseconds`,
    );
    return;
  }
  const hint =
    type === 'google.protobuf.Duration'
      ? `; a span is a delay: write it as \`delay: millis(${text})\`, or add it to a time: \`now + millis(${text})\``
      : '; give a timestamp (`timestamp(input.promisedBy)`), epoch milliseconds (`context.callBefore`) or an RFC 3339 string';
  reporter.report('AT_NOT_A_TIME', path, `at \`${text}\` gives ${described(type)}, not a time${hint}`);
}

function described(type: string): string {
  const names: Record<string, string> = {
    double: 'a number with a fraction',
    bool: 'true or false',
    'google.protobuf.Duration': 'a CEL duration',
  };
  if (type.startsWith('list')) return 'a list';
  if (type.startsWith('map')) return 'a map';
  return names[type] ?? `a value of type ${type}`;
}
