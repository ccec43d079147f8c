/**
 * Checks on joins, outputs and compensation (issue 13's constructs), so what the engine does
 * with them is what the author meant:
 * - a state's `onDone` (a join) is only taken when the state can be done: it must have child
 *   states, a compound state a final child, a parallel state a final state in every region;
 * - `output` is handed on only by final states;
 * - `compensate: true` runs compensations only where the case ends (a top-level final state),
 *   and there must be an `invoke.compensate` to run;
 * - a compensation's activity is a registered one, with the input it requires.
 * Pure.
 */
import { asRecord, isRecord, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';
import { childStates, forEachState, hasChildren, isFinal, isParallel, type StatePath } from './state-tree';
import { checkActivityCall } from './check-invoke';
import { definitionPath } from './transitions';
import type { StateSpec } from './types';

export function checkConstructs(def: JsonRecord, reporter: Reporter): void {
  const root = asRecord(def.states) as Record<string, StateSpec>;
  let compensations = 0;
  const compensating: StatePath[] = [];
  forEachState(root, (path, spec) => {
    const at = definitionPath(path);
    const name = path[path.length - 1];
    if (spec.onDone !== undefined) checkJoin(path, spec, reporter);
    if (spec.output !== undefined && !isFinal(spec)) {
      reporter.report(
        'OUTPUT_NOT_FINAL',
        [...at, 'output'],
        `state "${name}" is not final, so its output is never handed on; add type: final or remove output`,
        { key: true },
      );
    }
    if (spec.compensate !== undefined) {
      if (path.length !== 1 || !isFinal(spec)) {
        reporter.report(
          'INVALID_COMPENSATION',
          [...at, 'compensate'],
          `compensate: true belongs on a top-level final state (where the case ends); "${path.join('.')}" is not one`,
          { key: true },
        );
      } else if (spec.compensate) compensating.push(path);
    }
    if (isRecord(spec.invoke) && isRecord(spec.invoke.compensate)) {
      compensations++;
      checkActivityCall([...at, 'invoke', 'compensate'], spec.invoke.compensate, reporter);
    }
  });
  if (compensations === 0) {
    for (const path of compensating) {
      reporter.report(
        'INVALID_COMPENSATION',
        [...definitionPath(path), 'compensate'],
        `final state "${path[0]}" runs compensations, but no invoke declares one; add compensate: to the invoke whose effect must be undone, or remove this`,
        { key: true },
      );
    }
  }
}

function checkJoin(path: StatePath, spec: StateSpec, reporter: Reporter): void {
  const at = [...definitionPath(path), 'onDone'];
  const name = path[path.length - 1];
  if (!hasChildren(spec)) {
    reporter.report(
      'INVALID_JOIN',
      at,
      `state "${name}" has no child states, so it is never done and onDone is never taken; use invoke.onDone for an invocation's result, or give it states`,
      { key: true },
    );
    return;
  }
  const children = childStates(spec);
  if (isParallel(spec)) {
    const never = Object.entries(children)
      .filter(([, region]) => !Object.values(childStates(region)).some(isFinal))
      .map(([region]) => region);
    if (never.length) {
      reporter.report(
        'INVALID_JOIN',
        at,
        `parallel state "${name}" is done only when every region reaches a final state, and region ${never.map((r) => `"${r}"`).join(', ')} has none; add a type: final state to it`,
        { key: true },
      );
    }
  } else if (!Object.values(children).some(isFinal)) {
    reporter.report(
      'INVALID_JOIN',
      at,
      `state "${name}" has no final child state, so it is never done and onDone is never taken; add a type: final child`,
      { key: true },
    );
  }
}
