/**
 * Runs scenario files offline: each scenario starts a simulated case (scenario/simulator.ts) and
 * plays its steps in order; the first step that does not hold stops the scenario and is reported
 * at its line, with what was expected and what the case did. Never throws for a user mistake.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PathSegment } from '../dsl/diagnostics';
import { parseDuration } from '../dsl/duration';
import { isScenarioFileName } from '../dsl/file-kinds';
import { compareExpectation } from './expect';
import { loadScenarioFile, type Located, type Scenario, type ScenarioFile, type Step } from './scenario-file';
import { CaseSimulator, DEFAULT_START_MS, type InvocationAnswer } from './simulator';
import type { Locate } from '../dsl/diagnostics';
import type { ProcessDefinition } from '../dsl/types';

export interface ScenarioResult {
  name: string;
  line: number;
  passed: boolean;
  /** The failed step, located (empty when passed). */
  failures: Located[];
  ms: number;
  /** Set when the scenario was not run, saying why (`--server` skips what needs the virtual clock). */
  skipped?: string;
  /** Every leaf state the case rested in (for coverage: a state passed through by `always` is not listed). */
  visited: string[];
  /** With `continueAsNew`: how many times the case continued as new. */
  continued?: number;
}

export interface RunOptions {
  /** Run only the scenarios whose name this accepts. */
  only?: (name: string) => boolean;
  /**
   * Continue the case as new before every step where it can (no invocation in flight), as a long
   * case does on a server: the steps must hold all the same (`docket test --continue-as-new`).
   */
  continueAsNew?: boolean;
}

export interface FileResult {
  file: string;
  definitionFile?: string;
  scenarios: ScenarioResult[];
  /** Problems with the file itself (schema, YAML, its definition): none of its scenarios ran. */
  problems: Located[];
}

/** The scenario files the arguments name: files as given, directories' `*.test.yaml` files. */
export async function scenarioFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const isDir = await stat(path).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) {
      out.push(path);
      continue;
    }
    const names = (await readdir(path)).filter(isScenarioFileName).sort();
    out.push(...names.map((n) => join(path, n)));
  }
  return out;
}

export async function runScenarioFile(file: string, options: RunOptions = {}): Promise<FileResult> {
  const loaded = await loadScenarioFile(file);
  if (!loaded.ok) return { file, scenarios: [], problems: loaded.problems };
  const scenarios = loaded.value.scenarios
    .map((scenario, i) => ({ scenario, i }))
    .filter(({ scenario }) => !options.only || options.only(scenario.name))
    .map(({ scenario, i }) => runScenario(loaded.definition, loaded.value, scenario, i, loaded.locate, options.continueAsNew === true));
  return { file, definitionFile: loaded.definitionFile, scenarios, problems: [] };
}

function runScenario(
  def: ProcessDefinition,
  fileValue: ScenarioFile,
  scenario: Scenario,
  index: number,
  locate: Locate,
  continueAsNew: boolean,
): ScenarioResult {
  const started = performance.now();
  let continued = 0;
  const at = (path: PathSegment[], key = false) => locate(['scenarios', index, ...path], { key });
  const line = at([]).line;
  const result = (failures: Located[]): ScenarioResult => ({
    name: scenario.name,
    line,
    passed: failures.length === 0,
    failures,
    ms: performance.now() - started,
    visited: visitedStates(sim),
    ...(continueAsNew ? { continued } : {}),
  });
  const fail = (path: PathSegment[], message: string, key = false): ScenarioResult =>
    result([
      { ...at(path, key), message: `scenario "${scenario.name}": ${message}${continued ? ` (after ${continued} continue-as-new)` : ''}` },
    ]);
  const answers: Record<string, InvocationAnswer> = { ...(fileValue.invocations ?? {}), ...(scenario.invocations ?? {}) };
  const sim = new CaseSimulator(def, scenario.input ?? {}, {
    answers,
    caseId: scenario.caseId,
    startMs: scenario.start ? Date.parse(scenario.start) : DEFAULT_START_MS,
  });
  try {
    let invokedSince = 0;
    for (let i = 0; i < scenario.steps.length; i++) {
      const step = scenario.steps[i] as Step;
      if (continueAsNew && sim.continueAsNew()) continued++;
      const here = ['steps', i];
      const n = `step ${i + 1}`;
      if ('send' in step) {
        const actor = parseAs(step.as!);
        const rejection = sim.send({ type: step.send, actor, ...(step.data ? { data: step.data } : {}) });
        if (step.rejected === undefined && rejection) {
          return fail(
            [...here, 'send'],
            `${n}: expected ${step.send} to be accepted, got ${rejection.code}: ${rejection.message}${sim.failure ? ` (the case failed: ${sim.failure.code}: ${sim.failure.message})` : ''}`,
          );
        }
        if (step.rejected !== undefined && rejection?.code !== step.rejected) {
          return fail(
            [...here, 'rejected'],
            `${n}: expected ${step.send} to be rejected with ${step.rejected}, got ${rejection ? `${rejection.code}: ${rejection.message}` : `accepted (now in ${sim.state.join(', ')})`}`,
          );
        }
        if (!rejection && sim.failure)
          return fail(
            [...here, 'send'],
            `${n}: ${step.send} was accepted and the case failed: ${sim.failure.code}: ${sim.failure.message}`,
          );
      } else if ('advance' in step) {
        sim.advance(parseDuration(step.advance)!);
      } else if ('complete' in step) {
        const pending = sim.pendingInvocation(step.complete);
        if (!pending) {
          const open = sim.invocations.filter((x) => x.status === 'pending').map((x) => x.name);
          return fail(
            [...here, 'complete'],
            `${n}: no pending invocation of ${step.complete} (${open.length ? `pending: ${open.join(', ')}` : 'none is pending'}; state ${sim.state.join(', ')})`,
          );
        }
        sim.settle(pending, step.fails !== undefined ? { fails: step.fails } : { returns: step.returns ?? null });
      } else {
        const mismatches = compareExpectation(step.expect, sim, invokedSince);
        invokedSince = sim.invocations.length;
        if (mismatches.length) {
          const first = mismatches[0];
          const more =
            mismatches.length > 1
              ? ` (and ${mismatches.length - 1} more: ${mismatches
                  .slice(1)
                  .map((m) => `${m.at.join('.')}: ${m.message}`)
                  .join('; ')})`
              : '';
          return fail([...here, 'expect', ...first.at], `${n}, expect.${first.at.join('.')}: ${first.message}${more}`);
        }
      }
    }
    return result([]);
  } finally {
    sim.stop();
  }
}

function visitedStates(sim: CaseSimulator): string[] {
  const out = new Set<string>();
  for (const entry of sim.timeline)
    if (entry.kind === 'started' || entry.kind === 'transition')
      (entry.kind === 'started' ? entry.state : entry.to).forEach((s) => out.add(s));
  return [...out];
}

/** `role:id`, several roles with commas (the schema checked the form). */
function parseAs(text: string): { id: string; roles: string[] } {
  const colon = text.indexOf(':');
  return {
    id: text.slice(colon + 1).trim(),
    roles: [
      ...new Set(
        text
          .slice(0, colon)
          .split(',')
          .map((r) => r.trim()),
      ),
    ],
  };
}

/**
 * Plays every step of a scenario on a definition without checking anything (rejections and
 * expectations are ignored): what a case of this definition does on that path. For tests that
 * change a definition and ask only whether a case can fail.
 */
export function playScenario(
  def: ProcessDefinition,
  fileValue: ScenarioFile,
  scenario: Scenario,
): { failure?: { code: string; message: string }; gateErrors: string[]; visited: string[] } {
  const sim = new CaseSimulator(def, scenario.input ?? {}, {
    answers: { ...(fileValue.invocations ?? {}), ...(scenario.invocations ?? {}) },
    caseId: scenario.caseId,
    startMs: scenario.start ? Date.parse(scenario.start) : DEFAULT_START_MS,
  });
  try {
    for (const step of scenario.steps) {
      if (sim.status !== 'running') break;
      if ('send' in step) sim.send({ type: step.send, actor: parseAs(step.as!), ...(step.data ? { data: step.data } : {}) });
      else if ('advance' in step) sim.advance(parseDuration(step.advance)!);
      else if ('complete' in step) {
        const pending = sim.pendingInvocation(step.complete);
        if (pending) sim.settle(pending, step.fails !== undefined ? { fails: step.fails } : { returns: step.returns ?? null });
      }
    }
    return { failure: sim.failure, gateErrors: sim.gateErrors, visited: visitedStates(sim) };
  } finally {
    sim.stop();
  }
}
