/**
 * Invocations name a registered activity and give it the input it requires
 * (activities/catalog.ts). Child process ids are checked for shape by the schema; whether the
 * process exists is the bundler's question, since definitions are validated one file at a time. Pure.
 */
import { ACTIVITY_CATALOG, ACTIVITY_NAMES, type ActivityName } from '../activities/catalog';
import { parseDuration } from './duration';
import { asRecord, hasOwn, isRecord, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';
import { forEachState } from './state-tree';
import { suggest } from './suggest';
import { definitionPath } from './transitions';
import type { StateSpec } from './types';

export function checkInvocations(def: JsonRecord, reporter: Reporter): void {
  forEachState(asRecord(def.states) as Record<string, StateSpec>, (statePath, spec) => {
    if (isRecord(spec.invoke) && typeof spec.invoke.timeout === 'string' && parseDuration(spec.invoke.timeout) === 0) {
      // Temporal refuses an activity without a timeout: a zero one would fail the workflow task forever.
      reporter.report(
        'INVALID_DURATION',
        [...definitionPath(statePath), 'invoke', 'timeout'],
        'an invoke timeout must be longer than 0 (leave it out for the default, 30s for an activity)',
      );
    }
    if (!isRecord(spec.invoke)) return;
    checkActivityCall([...definitionPath(statePath), 'invoke'], spec.invoke, reporter);
  });
}

/**
 * One call of an activity (`{ activity, with }` at `at`: an invoke, or an invoke's compensation):
 * the activity is in the catalog, and `with` gives every key it requires.
 */
export function checkActivityCall(at: Array<string | number>, call: JsonRecord, reporter: Reporter): void {
  const activity = call.activity;
  if (typeof activity !== 'string') return;
  if (!(ACTIVITY_NAMES as string[]).includes(activity)) {
    const near = suggest(activity, ACTIVITY_NAMES);
    const hint = `${near ? `did you mean "${near}"? ` : ''}activities: ${ACTIVITY_NAMES.join(', ')}`;
    reporter.report('UNKNOWN_ACTIVITY', [...at, 'activity'], `unknown activity "${activity}" (${hint})`);
    return;
  }
  const requires: readonly string[] = ACTIVITY_CATALOG[activity as ActivityName].requires;
  const missing = requires.filter((key) => !hasOwn(asRecord(call.with), key));
  if (missing.length === 0) return;
  const where = call.with === undefined ? at : [...at, 'with'];
  const needs = missing.map((key) => `with.${key}`).join(' and ');
  reporter.report('MISSING_ACTIVITY_INPUT', where, `activity "${activity}" needs ${needs} (it requires: ${requires.join(', ')})`, {
    key: true,
  });
}
