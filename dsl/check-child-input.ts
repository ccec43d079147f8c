/**
 * A child process (`invoke.process`) starts with the input its `with` gives, and the child checks
 * that input against its own `input` schema: a missing required key or, where the schema closes
 * its properties (`additionalProperties: false`), an unknown key fails the parent's case. This
 * needs the child's definition, so `docket validate` runs it across files (dsl/validate-files.ts).
 * Values whose type the CEL checker knows are compared with the schema's types
 * (dsl/check-child-input-types.ts); the others are known at run time. Pure.
 */
import { checkChildInputTypes } from './check-child-input-types';
import { asRecord, hasOwn, isRecord, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';
import { forEachState } from './state-tree';
import { listNames, suggest } from './suggest';
import { definitionPath } from './transitions';
import type { ProcessDefinition, StateSpec } from './types';

export function checkChildInputs(def: JsonRecord, childOf: (process: string) => ProcessDefinition | undefined, reporter: Reporter): void {
  forEachState(asRecord(def.states) as Record<string, StateSpec>, (statePath, spec) => {
    const invoke = asRecord(spec.invoke);
    if (typeof invoke.process !== 'string') return;
    const child = childOf(invoke.process);
    if (!child || !isRecord(child.input)) return;
    const schema = child.input;
    const given = asRecord(invoke.with);
    const at = [...definitionPath(statePath), 'invoke'];
    const properties = asRecord(schema.properties);
    const allowed = Object.keys(properties);
    const required = Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === 'string') : [];
    const missing = required.filter((key) => !hasOwn(given, key));
    if (missing.length > 0) {
      const needs = missing.map((key) => `with.${key}`).join(' and ');
      reporter.report(
        'CHILD_INPUT_MISMATCH',
        invoke.with === undefined ? at : [...at, 'with'],
        `child process "${invoke.process}" needs ${needs} (its input requires: ${required.join(', ')})`,
        { key: true },
      );
    }
    checkChildInputTypes(invoke.process, schema, given, at, reporter);
    if (schema.additionalProperties !== false) return;
    for (const key of Object.keys(given)) {
      if (hasOwn(properties, key)) continue;
      const near = suggest(key, allowed);
      reporter.report(
        'CHILD_INPUT_MISMATCH',
        [...at, 'with', key],
        `child process "${invoke.process}" does not take input "${key}" (${near ? `did you mean "${near}"? ` : ''}its input allows: ${listNames(allowed)})`,
        { key: true },
      );
    }
  });
}
