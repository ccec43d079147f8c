/**
 * A parent passes parameters to a child (its approval threshold, a reason) through the child's
 * declared input (`invoke.with`). Beyond the keys (dsl/check-child-input.ts), each value whose
 * type the CEL checker knows must have the JSON type the child's input schema gives that key:
 * `threshold: '"5000"'` (a string) for a `{ type: number }` fails the child's input check when the
 * case runs, so validate says so first. Values read from input, context or decisions are `dyn` to
 * the checker and left to the child's check at run time. Pure.
 */
import { expressionType } from './cel';
import type { PathSegment } from './diagnostics';
import { asRecord, hasOwn, stringEntries } from './json-shape';
import type { Reporter } from './reporter';

/** JSON Schema `type` → the CEL types that satisfy it. */
const ACCEPTS: Record<string, string[]> = {
  string: ['string'],
  number: ['int', 'uint', 'double'],
  integer: ['int', 'uint'],
  boolean: ['bool'],
  array: ['list'],
  object: ['map'],
  null: ['null_type'],
};

const DESCRIBED: Record<string, string> = {
  string: 'a string',
  int: 'a whole number',
  uint: 'a whole number',
  double: 'a number',
  bool: 'true or false',
  list: 'a list',
  map: 'a map',
  null_type: 'null',
};

export function checkChildInputTypes(
  child: string,
  schema: Record<string, unknown>,
  given: Record<string, unknown>,
  at: PathSegment[],
  reporter: Reporter,
): void {
  const properties = asRecord(schema.properties);
  for (const [key, source] of stringEntries(given)) {
    if (!hasOwn(properties, key)) continue;
    const declared = asRecord(properties[key]).type;
    const wanted = (Array.isArray(declared) ? declared : [declared]).filter((t): t is string => typeof t === 'string' && t in ACCEPTS);
    if (wanted.length === 0) continue;
    const type = celKind(source);
    if (type === undefined || type === 'dyn' || !(type in DESCRIBED)) continue;
    if (wanted.some((t) => ACCEPTS[t].includes(type))) continue;
    reporter.report(
      'CHILD_INPUT_MISMATCH',
      [...at, 'with', key],
      `child process "${child}" takes input "${key}" as ${wanted.join(' or ')}, but \`${source.trim()}\` gives ${DESCRIBED[type]}${hint(source, wanted, type)}`,
    );
  }
}

/** `list(int)` → `list`, `map(string, dyn)` → `map`; undefined when the expression does not check. */
function celKind(source: string): string | undefined {
  let type: string | undefined;
  try {
    type = expressionType(source);
  } catch {
    return undefined;
  }
  return type?.replace(/\(.*$/, '');
}

function hint(source: string, wanted: string[], type: string): string {
  const text = source.trim();
  const quoted = /^"(-?\d+(\.\d+)?)"$/.exec(text);
  if (quoted && (wanted.includes('number') || wanted.includes('integer'))) return `; write the number without quotes: \`${quoted[1]}\``;
  if (wanted.includes('string') && type !== 'string')
    return `; quote a text inside the YAML value ('"…"') or convert it: \`string(${text})\``;
  return '';
}
