/**
 * The shape check: schema/process.schema.json through ajv, with ajv's errors rewritten as short
 * messages that name the field and the fix. The same schema drives editor completion
 * (`# yaml-language-server: $schema=../schema/process.schema.json`). Pure.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import schema from '../schema/process.schema.json';
import type { DiagnosticCode, PathSegment } from './diagnostics';
import { bareNumberHint, isBareNumber, suggestDuration } from './duration';
import { isRecord } from './json-shape';
import type { Reporter } from './reporter';
import { didYouMean } from './suggest';

let validator: ValidateFunction | undefined;

function compiled(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(schema);
  return validator;
}

/** Reports every way the definition departs from the schema. */
export function checkSchema(def: unknown, reporter: Reporter): void {
  const validate = compiled();
  if (validate(def)) return;
  const errors = validate.errors ?? [];
  // Branch errors of `oneOf` are summarised by the oneOf error itself.
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf').map((e) => ({ at: e.instancePath, schemaPath: `${e.schemaPath}/` }));
  // A transition is a string, a mapping or a list: one wrong-type message per place is enough.
  const typed = new Set<string>();
  for (const error of errors) {
    if (oneOfs.some((o) => o.at === error.instancePath && error.schemaPath.startsWith(o.schemaPath))) continue;
    if (error.keyword === 'type') {
      if (typed.has(error.instancePath)) continue;
      typed.add(error.instancePath);
    }
    reportError(error, def, reporter);
  }
}

function reportError(error: ErrorObject, root: unknown, reporter: Reporter): void {
  const path = pointerToPath(error.instancePath, root);
  const parent = (error.parentSchema ?? {}) as { title?: string; properties?: Record<string, unknown> };
  const params = error.params as Record<string, unknown>;
  // A failing property name (propertyNames) is reported at the key itself.
  if (error.propertyName !== undefined) {
    const named = describeName(parent.title ?? 'name', error.propertyName, error.keyword);
    if (named) reporter.report(named.code, [...path, error.propertyName], named.message, { key: true });
    return;
  }
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(parent.properties ?? {});
      const hint = didYouMean(key, allowed) || ` (allowed here: ${allowed.join(', ')})`;
      reporter.report('UNKNOWN_KEY', [...path, key], `unknown key "${key}"${hint}`, { key: true });
      return;
    }
    case 'required':
      reporter.report('MISSING_KEY', path, `missing required key "${String(params.missingProperty)}"`);
      return;
    case 'type':
      reporter.report('WRONG_TYPE', path, typeMessage(params.type as string | string[], error.data, parent.title));
      return;
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const got = JSON.stringify(error.data);
      const hint = typeof error.data === 'string' ? didYouMean(error.data, allowed) : '';
      reporter.report('INVALID_VALUE', path, `must be ${allowed.map((a) => `"${a}"`).join(' or ')}, got ${got}${hint}`);
      return;
    }
    case 'pattern': {
      const named = describeName(parent.title ?? 'value', String(error.data), 'pattern');
      if (named) reporter.report(named.code, path, named.message);
      return;
    }
    case 'oneOf': {
      const invoke = isRecord(error.data) ? error.data : {};
      const both = 'activity' in invoke && 'process' in invoke;
      const message = both
        ? 'invoke has both "activity" and "process"; keep one (an invoke runs one thing)'
        : 'invoke needs "activity" (a registered activity) or "process" (a child process id)';
      reporter.report('INVALID_INVOKE', path, message);
      return;
    }
    case 'uniqueItems': {
      const later = Math.max(Number(params.i), Number(params.j));
      const item = Array.isArray(error.data) ? error.data[later] : undefined;
      reporter.report('INVALID_VALUE', [...path, later], `${JSON.stringify(item)} is listed twice; list it once`);
      return;
    }
    case 'minLength':
      reporter.report('INVALID_VALUE', path, 'must not be empty');
      return;
    case 'minItems':
      reporter.report('INVALID_VALUE', path, `must list at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`);
      return;
    case 'minProperties':
      reporter.report('INVALID_VALUE', path, 'must not be empty');
      return;
    case 'minimum':
      reporter.report('INVALID_VALUE', path, `must be at least ${String(params.limit)}, got ${JSON.stringify(error.data)}`);
      return;
    case 'not':
      // The one `not` in the schema: names may not be `__proto__`, which JavaScript objects treat specially.
      reporter.report(
        'INVALID_NAME',
        path,
        `${JSON.stringify(error.data)} is reserved (JavaScript objects treat it specially); choose another name`,
      );
      return;
    case 'if':
    case 'propertyNames':
      // Summaries of errors already reported in detail.
      return;
    default:
      reporter.report('INVALID_VALUE', path, error.message ?? `fails the schema rule "${error.keyword}"`);
  }
}

/** Messages for names and ids that break their pattern, with a corrected example. */
function describeName(title: string, value: string, keyword: string): { code: DiagnosticCode; message: string } | undefined {
  if (keyword === 'minLength') return { code: 'INVALID_NAME', message: `${title} must not be empty` };
  switch (title) {
    case 'process id':
      return { code: 'INVALID_PROCESS_ID', message: `invalid process id "${value}": use kebab-case, e.g. "${kebab(value)}"` };
    case 'event name':
      return { code: 'INVALID_NAME', message: `invalid event name "${value}": use UPPER_SNAKE_CASE, e.g. "${snake(value).toUpperCase()}"` };
    case 'duration':
      return { code: 'INVALID_DURATION', message: durationMessage(value) };
    case 'target':
    case 'activity name':
      // The semantic pass reports these as unknown states or activities, with suggestions.
      return undefined;
    default:
      return {
        code: 'INVALID_NAME',
        message: `invalid ${title} "${value}": use letters, digits and _, not starting with a digit, e.g. "${snake(value)}"`,
      };
  }
}

/** Names what is wrong with a duration and, where it can tell, the literal that was meant. */
function durationMessage(value: string): string {
  const meant = suggestDuration(value);
  if (meant)
    return `invalid duration "${value}" (did you mean "${meant}"?): write a number and a unit (ms, s, m, h, d) with no space, combined like 1h30m`;
  if (isBareNumber(value)) return `invalid duration "${value}": a number needs a unit; ${bareNumberHint(value)}`;
  return `invalid duration "${value}": write a number and a unit (ms, s, m, h, d), e.g. 30s, 4h or 1h30m`;
}

function kebab(value: string): string {
  const out = value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+|-+$/g, '');
  return out || 'my-process';
}

function snake(value: string): string {
  const out = value
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^[0-9]+/, '')
    .replace(/^_+(?=.)|_+$/g, '');
  return out || 'name';
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  object: 'a mapping',
  array: 'a list',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'empty',
};

function typeMessage(expected: string | string[], data: unknown, title: string | undefined): string {
  const names = (Array.isArray(expected) ? expected : [expected]).map((t) => TYPE_NAMES[t] ?? t);
  const wanted = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names[0];
  if (title === 'CEL expression' && data !== null && typeof data !== 'object') {
    return `must be a CEL expression (a string), got ${describeValue(data)}; quote it: "${String(data)}"`;
  }
  return `must be ${title && !names.includes(title) ? `${title.startsWith('a') ? 'an' : 'a'} ${title} (${wanted})` : wanted}, got ${describeValue(data)}`;
}

function describeValue(data: unknown): string {
  if (data === null || data === undefined) return 'nothing';
  if (Array.isArray(data)) return 'a list';
  if (typeof data === 'object') return 'a mapping';
  if (typeof data === 'string') return `the string ${JSON.stringify(data.length > 40 ? `${data.slice(0, 40)}…` : data)}`;
  return `the ${typeof data} ${String(data)}`;
}

/** An ajv instancePath (`/states/a/on/GO/0`) as path segments, list indexes as numbers. */
export function pointerToPath(pointer: string, root: unknown): PathSegment[] {
  const path: PathSegment[] = [];
  let node: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(key)) {
      path.push(Number(key));
      node = node[Number(key)];
    } else {
      path.push(key);
      node = isRecord(node) ? node[key] : undefined;
    }
  }
  return path;
}
