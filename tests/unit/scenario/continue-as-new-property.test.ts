/**
 * Property: continuing a case as new changes nothing a definition can see. For each shipped
 * definition, fast-check plays random steps (events from the definition, by its roles, with data
 * taken from its scenario file; invocation results and failures; clock advances) on two simulated
 * cases, one of which continues as new wherever the steps say and it can (no invocation in
 * flight). After every step both must agree: status, state, context, deadlines, who may do what,
 * each event's answer, every invocation. Offline, in milliseconds (scenario/simulator.ts restores
 * the snapshot through JSON and carries the deadlines as the workflow does).
 *
 * Two continue-as-new bugs reached a real server before this existed: a restored invocation ran
 * again, then failed the case ('hooks', 6be1a68); docket test --continue-as-new and this test
 * each fail on it.
 */
import fc from 'fast-check';
import { loadScenarioFile } from '../../../scenario/scenario-file';
import { CaseSimulator, type InvocationAnswer } from '../../../scenario/simulator';
import { parseDuration } from '../../../dsl/duration';
import type { ProcessDefinition } from '../../../dsl/types';
import { shippedDefinitionFiles } from '../../support/test-definitions';

type Command =
  | { kind: 'send'; type: string; role: string; person: string; data: Record<string, unknown> | undefined }
  | { kind: 'complete'; fails: boolean; pick: number }
  | { kind: 'advance'; by: string }
  | { kind: 'continue' };

interface Material {
  def: ProcessDefinition;
  inputs: Array<Record<string, unknown>>;
  answers: Record<string, InvocationAnswer>;
  /** Event data the scenarios send, by event type. */
  data: Map<string, Array<Record<string, unknown>>>;
  /** What the scenarios' `complete` steps return, by invocation name. */
  returns: Map<string, unknown[]>;
}

async function materialOf(definitionFile: string): Promise<Material> {
  const loaded = await loadScenarioFile(definitionFile.replace(/\.yaml$/, '.test.yaml'));
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('\n'));
  const data = new Map<string, Array<Record<string, unknown>>>();
  const returns = new Map<string, unknown[]>();
  for (const scenario of loaded.value.scenarios) {
    for (const step of scenario.steps) {
      if ('send' in step && step.data) data.set(step.send, [...(data.get(step.send) ?? []), step.data]);
      if ('complete' in step && 'returns' in step) returns.set(step.complete, [...(returns.get(step.complete) ?? []), step.returns]);
    }
  }
  return {
    def: loaded.definition,
    inputs: loaded.value.scenarios.map((s) => s.input ?? {}),
    answers: loaded.value.invocations ?? {},
    data,
    returns,
  };
}

function commands(m: Material): fc.Arbitrary<{ input: number; steps: Command[] }> {
  const events = Object.keys(m.def.events ?? {});
  const send: fc.Arbitrary<Command> = fc
    .record({
      type: fc.constantFrom(...events),
      role: fc.constantFrom(...m.def.roles),
      person: fc.constantFrom('ann', 'bob', 'cy'),
      pick: fc.nat(),
    })
    .map(({ type, role, person, pick }) => {
      const seen = m.data.get(type) ?? [];
      return { kind: 'send', type, role, person, data: seen.length ? seen[pick % seen.length] : undefined };
    });
  const step: fc.Arbitrary<Command> = fc.oneof(
    { weight: events.length ? 4 : 0, arbitrary: events.length ? send : fc.constant<Command>({ kind: 'continue' }) },
    {
      weight: 3,
      arbitrary: fc
        .record({ fails: fc.nat({ max: 4 }).map((n) => n === 0), pick: fc.nat() })
        .map((c): Command => ({ kind: 'complete', ...c })),
    },
    { weight: 2, arbitrary: fc.constantFrom('1m', '30m', '4h', '1d', '3d').map((by): Command => ({ kind: 'advance', by })) },
    { weight: 3, arbitrary: fc.constant<Command>({ kind: 'continue' }) },
  );
  return fc.record({ input: fc.nat({ max: m.inputs.length - 1 }), steps: fc.array(step, { maxLength: 25 }) });
}

/** Everything a definition (and its callers) can see of a case. */
function seen(sim: CaseSimulator) {
  return {
    status: sim.status,
    failure: sim.failure?.code,
    state: sim.state,
    context: sim.context,
    deadlines: sim.deadlines,
    allowed: sim.allowed,
    invocations: sim.invocations.map(({ name, state, status, input, output, error }) => ({ name, state, status, input, output, error })),
  };
}

function play(m: Material, sim: CaseSimulator, command: Command, continues: boolean): unknown {
  switch (command.kind) {
    case 'send':
      return sim.send({ type: command.type, actor: { id: command.person, roles: [command.role] }, data: command.data })?.code ?? 'accepted';
    case 'complete': {
      const pending = sim.invocations.find((i) => i.status === 'pending');
      // What the scenarios' own `complete` steps return for it (else null): outputs the definition expects.
      const known = pending ? (m.returns.get(pending.name) ?? []) : [];
      const returns = known.length ? known[command.pick % known.length] : null;
      if (pending) sim.settle(pending, command.fails ? { fails: 'failed by the property test' } : { returns });
      return pending?.name;
    }
    case 'advance':
      sim.advance(parseDuration(command.by)!);
      return undefined;
    case 'continue':
      if (continues) sim.continueAsNew();
      return undefined;
  }
}

const counts: string[] = [];
afterAll(() => {
  if (process.env.DOCKET_PROPERTY_COUNTS) console.log(`continue-as-new per definition: ${counts.join(', ')}`);
});

describe.each(shippedDefinitionFiles().map((file) => [file.split('/').pop()!, file]))('%s', (_name, file) => {
  it('a case that continues as new anywhere it can does what the same case does without', async () => {
    const m = await materialOf(file);
    let continued = 0;
    fc.assert(
      fc.property(commands(m), ({ input, steps }) => {
        const plain = new CaseSimulator(m.def, m.inputs[input], { answers: m.answers });
        const renewed = new CaseSimulator(m.def, m.inputs[input], { answers: m.answers });
        try {
          for (const [i, command] of steps.entries()) {
            const a = play(m, plain, command, false);
            const before = renewed.timeline.length;
            const b = play(m, renewed, command, true);
            if (command.kind === 'continue' && renewed.timeline.length > before) continued++;
            expect({ step: i, command, answer: b, ...seen(renewed) }).toEqual({ step: i, command, answer: a, ...seen(plain) });
          }
        } finally {
          plain.stop();
          renewed.stop();
        }
      }),
      { numRuns: 150 },
    );
    // Not vacuous: cases did continue as new (37 to 196 per definition in six runs; DOCKET_PROPERTY_COUNTS=1 prints them).
    expect(continued).toBeGreaterThan(0);
    counts.push(`${_name}: ${continued}`);
  });
});
