/**
 * `docket test --server`: the same scenario files on a real Temporal server, for what the offline
 * run cannot show (the deployed definition on the real worker, real activities, Temporal's retries).
 * Each scenario starts a case from the definition file (deployed first, as `docket start file`),
 * sends its events through the client SDK and reads the state view for each expectation, waiting
 * (up to 30 s) for the case to get there, since activities finish on their own time.
 *
 * So that a file means the same on both, the server run reads the case as the offline run would
 * (server-view.ts): the case's real id reads as `test-case`, and a time the case took while the
 * scenario ran reads as the scenario's start (offline no time passes without `advance`). Before
 * each `send` it waits for the case to settle (no activity or workflow task pending), as offline
 * the answered invocations settle within the step that started them.
 *
 * Real time and real activities: a scenario with `advance` or `complete` steps or its own
 * `invocations` needs the virtual clock and is skipped (reported as such), and so is one whose
 * file declares it `offlineOnly` (with the file's reason); the file's
 * `invocations` defaults do not apply (the worker's activities answer); invocation inputs are not
 * visible (only names are compared, from the timeline); a deadline's `in` is compared within a
 * minute.
 */
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { ProcessClient } from '../client/process-client';
import { CaseFailedError, EventRejectedError } from '../client/errors';
import type { PathSegment } from '../dsl/diagnostics';
import { compareExpectation, type Mismatch } from './expect';
import { caseView, waitUntilSettled } from './server-view';
import { loadScenarioFile, type Scenario } from './scenario-file';
import type { FileResult, ScenarioResult } from './run-scenarios';
import { DEFAULT_START_MS, OFFLINE_CASE_ID } from './simulator';

/** How long an expectation waits for the case to get there, by default. */
export const EXPECT_WAIT_MS = 30_000;

export async function runScenarioFileOnServer(
  file: string,
  client: ProcessClient,
  only?: (name: string) => boolean,
  waitMs = EXPECT_WAIT_MS,
): Promise<FileResult> {
  const loaded = await loadScenarioFile(file);
  if (!loaded.ok) return { file, scenarios: [], problems: loaded.problems };
  const scenarios: ScenarioResult[] = [];
  for (const [index, scenario] of loaded.value.scenarios.entries()) {
    if (only && !only(scenario.name)) continue;
    const at = (path: PathSegment[]) => loaded.locate(['scenarios', index, ...path]);
    const started = performance.now();
    const offlineOnly = offlineReason(scenario);
    if (offlineOnly) {
      scenarios.push({ name: scenario.name, line: at([]).line, passed: true, skipped: offlineOnly, failures: [], ms: 0, visited: [] });
      continue;
    }
    const fail = (path: PathSegment[], message: string): ScenarioResult => ({
      name: scenario.name,
      line: at([]).line,
      passed: false,
      failures: [{ ...at(path), message: `scenario "${scenario.name}" (on the server): ${message}` }],
      ms: performance.now() - started,
      visited: [],
    });
    const id = `test-${basename(file).replace(/\.test\.ya?ml$/i, '')}-${index + 1}-${randomUUID().slice(0, 8)}`;
    const startMs = scenario.start ? Date.parse(scenario.start) : DEFAULT_START_MS;
    // Workflow time comes from the server's clock; a second's margin for the clocks of two processes.
    const ranFrom = Date.now() - 1_000;
    const read = async () => caseView(await client.state(id), { id, offlineId: OFFLINE_CASE_ID, startMs, ranFrom });
    const result = await (async (): Promise<ScenarioResult> => {
      const start = await client.start({ path: loaded.definitionFile, id, input: scenario.input ?? {}, waitForStartMs: waitMs });
      if (start.status === 'starting')
        return fail([], `case ${id} did not start within ${waitMs / 1000} s: is a worker serving this task queue?`);
      let invokedSince = 0;
      for (const [i, step] of scenario.steps.entries()) {
        const n = `step ${i + 1}`;
        if ('send' in step) {
          await waitUntilSettled(client, id, waitMs);
          const colon = step.as!.indexOf(':');
          const actor = { id: step.as!.slice(colon + 1), roles: step.as!.slice(0, colon).split(',') };
          const outcome = await client.send(id, { type: step.send, actor, ...(step.data ? { data: step.data } : {}) }).then(
            () => undefined,
            (err: unknown) => err,
          );
          const code = outcome instanceof EventRejectedError ? outcome.code : undefined;
          if (outcome !== undefined && code === undefined && !(outcome instanceof CaseFailedError)) throw outcome;
          if (step.rejected === undefined && code)
            return fail(['steps', i, 'send'], `${n}: expected ${step.send} to be accepted, got ${code}: ${(outcome as Error).message}`);
          if (step.rejected !== undefined && code !== step.rejected)
            return fail(
              ['steps', i, 'rejected'],
              `${n}: expected ${step.send} to be rejected with ${step.rejected}, got ${code ?? 'accepted'}`,
            );
          if (outcome instanceof CaseFailedError) return fail(['steps', i, 'send'], `${n}: ${outcome.message}`);
        } else if ('expect' in step) {
          const deadline = Date.now() + waitMs;
          let mismatches: Mismatch[];
          let view: Awaited<ReturnType<typeof read>>;
          // Wait for the case to reach the expected state: activities complete on their own time.
          for (;;) {
            view = await read();
            mismatches = compareExpectation(step.expect, view, invokedSince);
            if (mismatches.length === 0 || Date.now() >= deadline) break;
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
          invokedSince = view.made;
          if (mismatches.length) {
            const first = mismatches[0];
            return fail(
              ['steps', i, 'expect', ...first.at],
              `${n}, expect.${first.at.join('.')}: ${first.message} (after waiting ${waitMs / 1000} s)`,
            );
          }
        }
      }
      return { name: scenario.name, line: at([]).line, passed: true, failures: [], ms: performance.now() - started, visited: [] };
    })();
    scenarios.push(result);
  }
  return { file, definitionFile: loaded.definitionFile, scenarios, problems: [] };
}

/** Why a scenario can only run offline, or undefined. */
function offlineReason(scenario: Scenario): string | undefined {
  if (scenario.offlineOnly !== undefined) return `is offline only: ${scenario.offlineOnly.trim()}`;
  if (scenario.invocations) return 'sets what invocations return (offline only)';
  const step = scenario.steps.find((s) => 'advance' in s || 'complete' in s);
  if (step) return `${'advance' in step ? 'advances the clock' : 'completes an invocation'} (offline only)`;
  return undefined;
}
