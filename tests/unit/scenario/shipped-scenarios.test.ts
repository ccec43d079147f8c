/**
 * The shipped scenario files (definitions/*.test.yaml) all pass, offline, and between them enter
 * every state of every shipped definition: `docket test` is how a process owner checks a flow in
 * milliseconds, and these are its examples.
 */
import { join } from 'node:path';
import { forEachState, stateAt } from '../../../dsl/state-tree';
import { formatLocated, loadScenarioFile } from '../../../scenario/scenario-file';
import { runScenarioFile, scenarioFiles } from '../../../scenario/run-scenarios';
import { CaseSimulator } from '../../../scenario/simulator';
import { shippedDefinition, shippedDefinitionFiles } from '../../support/test-definitions';

const DEFINITIONS = join(__dirname, '..', '..', '..', 'definitions');

it('every shipped definition has a scenario file beside it', async () => {
  const files = await scenarioFiles([DEFINITIONS]);
  expect(files.map((f) => f.replace(/\.test\.yaml$/, '.yaml')).sort()).toEqual(shippedDefinitionFiles());
});

it('every shipped scenario passes', async () => {
  for (const file of await scenarioFiles([DEFINITIONS])) {
    const result = await runScenarioFile(file);
    const failures = [...result.problems, ...result.scenarios.flatMap((s) => s.failures)].map(formatLocated);
    expect({ file, failures }).toEqual({ file, failures: [] });
    expect(result.scenarios.length).toBeGreaterThan(0);
  }
});

it('between them, the scenarios rest in every state of every shipped definition', async () => {
  for (const file of await scenarioFiles([DEFINITIONS])) {
    const result = await runScenarioFile(file);
    const visited = new Set(result.scenarios.flatMap((s) => s.visited));
    const loaded = await loadScenarioFile(file);
    if (!loaded.ok) throw new Error(loaded.problems.map(formatLocated).join('\n'));
    const def = shippedDefinition(loaded.definition.process);
    const leaves: string[] = [];
    forEachState(def.states, (path, spec) => {
      // A state whose `always` has an unguarded last branch is only passed through (XState takes
      // it in the same step), so no timeline shows it; its targets are checked instead.
      const always = Array.isArray(spec.always) ? spec.always : spec.always ? [spec.always] : [];
      // So is a final child of a compound state with onDone (a join): its done event leaves at once.
      const parent = path.length > 1 ? stateAt(def.states, path.slice(0, -1)) : undefined;
      const joined = spec.type === 'final' && parent?.onDone !== undefined && parent.type !== 'parallel';
      const transient = joined || always.some((t) => typeof t === 'string' || t.if === undefined);
      if (!spec.states && !transient) leaves.push(path.join('.'));
    });
    expect({ file, neverEntered: leaves.filter((s) => !visited.has(s)) }).toEqual({ file, neverEntered: [] });
  }
});

it('the examples of docs/cel-time.md validate and their scenarios pass', async () => {
  const examples = join(__dirname, '..', '..', '..', 'docs', 'examples');
  const files = await scenarioFiles([examples]);
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const result = await runScenarioFile(file);
    expect({ file, failures: [...result.problems, ...result.scenarios.flatMap((s) => s.failures)].map(formatLocated) }).toEqual({
      file,
      failures: [],
    });
  }
});

it('every shipped scenario passes with its case continued as new before every step where it can (docket test --continue-as-new)', async () => {
  let continued = 0;
  for (const file of await scenarioFiles([DEFINITIONS])) {
    const result = await runScenarioFile(file, { continueAsNew: true });
    const failures = [...result.problems, ...result.scenarios.flatMap((s) => s.failures)].map(formatLocated);
    expect({ file, failures }).toEqual({ file, failures: [] });
    continued += result.scenarios.reduce((n, s) => n + s.continued!, 0);
  }
  // Most steps find no invocation in flight: the cases did continue, many times.
  expect(continued).toBeGreaterThan(100);
});

it('a simulated case does not continue as new while an invocation is in flight, as the workflow waits for it', () => {
  const refund = shippedDefinition('refund-approval');
  const sim = new CaseSimulator(refund, { caseId: 'C-1', amount: 120, requestedBy: 'alice' });
  expect(sim.pendingInvocation('notify')).toBeDefined();
  expect(sim.continueAsNew()).toBe(false);
  expect(sim.timeline.some((e) => e.kind === 'continued')).toBe(false);
  sim.settle(sim.pendingInvocation('notify')!, { returns: { key: 'n-1' } });
  expect(sim.continueAsNew()).toBe(true);
  expect(sim.timeline.at(-1)).toMatchObject({ kind: 'continued', run: 2, state: ['review.lead'] });
  // The 4-hour deadline was carried: it fires at its time, not 4 hours after the new run.
  sim.advance(4 * 3_600_000 - 1);
  expect(sim.state).toEqual(['review.lead']);
  sim.advance(1);
  expect(sim.state).toEqual(['review.supervisor']);
  sim.stop();
});
