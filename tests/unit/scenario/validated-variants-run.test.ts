/**
 * What validate accepts runs (issue 12). Variants of the shipped definitions are generated, one
 * class of run-time failure at a time (context keys, decisions reading decisions, durations per
 * decision rule, guards, bare-number delays, a child's input); each variant is validated, then
 * every shipped scenario of that definition is played on it offline. For every variant validate
 * accepted, no case fails and no event's check fails; every refused variant names the class's
 * code. And each class is real: some refused variant does fail a case when run anyway.
 */
import { join } from 'node:path';
import { expressionSites } from '../../../dsl/check-expressions';
import { checkChildInputs } from '../../../dsl/check-child-input';
import type { DiagnosticCode } from '../../../dsl/diagnostics';
import { createReporter } from '../../../dsl/reporter';
import { forEachState } from '../../../dsl/state-tree';
import { transitionsOf } from '../../../dsl/transitions';
import { validateDefinition } from '../../../dsl/validate';
import { unlocated } from '../../../dsl/diagnostics';
import type { JsonRecord } from '../../../dsl/json-shape';
import type { DecisionRule, ProcessDefinition } from '../../../dsl/types';
import { loadScenarioFile, type ScenarioFile } from '../../../scenario/scenario-file';
import { playScenario } from '../../../scenario/run-scenarios';

const DEFINITIONS = join(__dirname, '..', '..', '..', 'definitions');
const NAMES = ['complaint', 'refund-approval', 'complaint-monitor', 'gray-release'];

interface Variant {
  what: string;
  def: ProcessDefinition;
}

type Class = { name: string; codes: DiagnosticCode[]; variants: (def: ProcessDefinition) => Variant[] };

const clone = (def: ProcessDefinition): ProcessDefinition => JSON.parse(JSON.stringify(def)) as ProcessDefinition;

/** Sets the string at `path` (from expressionSites) in a copy of the definition. */
function withSource(def: ProcessDefinition, path: Array<string | number>, source: string): ProcessDefinition {
  const copy = clone(def);
  let node = copy as unknown as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  node[path[path.length - 1]] = source;
  return copy;
}

const contextKeys = (def: ProcessDefinition) => Object.keys(def.context ?? {});

const CLASSES: Class[] = [
  {
    name: 'context keys',
    codes: ['UNKNOWN_CONTEXT_KEY'],
    variants: (def) =>
      expressionSites(def as unknown as JsonRecord)
        .filter((site) => /\bcontext\.\w+/.test(site.source) && !/has\(context/.test(site.source))
        .slice(0, 8)
        .flatMap((site) => {
          const key = /\bcontext\.(\w+)/.exec(site.source)![1];
          // A misspelt key, and another declared key set the same way (same type: a different
          // type is a type error, not this class).
          const initial = def.context?.[key];
          const other = contextKeys(def).find((k) => k !== key && initial !== undefined && def.context![k] === initial);
          return [`${key}x`, ...(other ? [other] : [])].map((replacement) => ({
            what: `${site.path.join('.')}: context.${key} → context.${replacement}`,
            def: withSource(def, site.path as Array<string | number>, site.source.replace(`context.${key}`, `context.${replacement}`)),
          }));
        }),
  },
  {
    name: 'decisions reading decisions',
    // UNKNOWN_CONTEXT_KEY too: a decision read by the initial context may not come to read context.
    codes: ['DECISION_CYCLE', 'UNKNOWN_DECISION', 'UNKNOWN_CONTEXT_KEY'],
    variants: (def) => {
      const names = Object.keys(def.decisions ?? {});
      return names.slice(0, 3).flatMap((name) =>
        [name, names.find((n) => n !== name) ?? name, `${name}_typo`].map((other) => {
          const copy = clone(def);
          const rules = copy.decisions![name] as DecisionRule[];
          // A first rule that reads `other` (itself: a cycle) and gives the table's usual answer.
          copy.decisions![name] = [{ when: `decide.${other} == decide.${other} && false`, then: rules[0].then }, ...rules];
          return { what: `decisions.${name} reads decide.${other}`, def: copy };
        }),
      );
    },
  },
  {
    name: 'durations per decision rule',
    codes: ['NOT_A_DURATION', 'BARE_NUMBER_DELAY', 'INVALID_DELAY'],
    variants: (def) => {
      const out: Variant[] = [];
      const pool: unknown[] = ['5 secs', 48, '48', true, '1h30m'];
      forEachState(def.states, (path, spec) =>
        (spec.after ?? []).forEach((after, i) => {
          const read = /^decide\.(\w+)$/.exec((after.delay ?? '').trim());
          for (const value of pool) {
            const copy = clone(def);
            if (read) copy.decisions![read[1]] = (copy.decisions![read[1]] as DecisionRule[]).map((r) => ({ ...r, then: value }));
            else
              copy.states = withSource(
                copy,
                ['states', ...path.flatMap((p) => [p, 'states']).slice(0, -1), 'after', i, 'delay'],
                typeof value === 'string' ? value : JSON.stringify(value),
              ).states;
            out.push({ what: `${path.join('.')}.after[${i}] gives ${JSON.stringify(value)}`, def: copy });
          }
        }),
      );
      return out;
    },
  },
  {
    name: 'guards',
    codes: ['GUARD_NOT_BOOLEAN'],
    variants: (def) => {
      const out: Variant[] = [];
      const key = contextKeys(def)[0];
      forEachState(def.states, (path, spec) => {
        for (const t of transitionsOf(path, spec)) {
          // An always transition guarded by a constant can loop; that is LOOP_DETECTED's class, not this one.
          if (t.kind === 'always' || typeof t.spec.if !== 'string') continue;
          // Non-booleans, and the same condition compared with true (a boolean that keeps the
          // flow: a guard that changes the path reaches data the scenarios do not give).
          const pool = [`context.${key}`, '1', '"yes"', `(${t.spec.if}) == true`];
          for (const guard of pool)
            out.push({
              what: `${t.path.join('.')}.if = ${guard}`,
              def: withSource(def, [...(t.path as Array<string | number>), 'if'], guard),
            });
        }
      });
      return out;
    },
  },
];

let scenariosOf: Map<string, ScenarioFile>;
let shipped: Map<string, ProcessDefinition>;
beforeAll(async () => {
  scenariosOf = new Map();
  shipped = new Map();
  for (const name of NAMES) {
    const loaded = await loadScenarioFile(join(DEFINITIONS, `${name}.test.yaml`));
    if (!loaded.ok) throw new Error(`${name}.test.yaml does not load`);
    scenariosOf.set(name, loaded.value);
    shipped.set(name, loaded.definition);
  }
});

/** Every failure playing the definition's scenarios on `def` produces. */
function runFailures(name: string, def: ProcessDefinition): string[] {
  const file = scenariosOf.get(name)!;
  return file.scenarios.flatMap((scenario) => {
    const played = playScenario(def, file, scenario);
    return [
      ...(played.failure ? [`${scenario.name}: ${played.failure.code}: ${played.failure.message}`] : []),
      ...played.gateErrors.map((e) => `${scenario.name}: ${e}`),
    ];
  });
}

describe.each(CLASSES)('$name', ({ codes, variants }) => {
  it('a variant validate accepts runs every scenario without a failure; a refused one names the class', () => {
    let accepted = 0;
    let refused = 0;
    let refusedThatFail = 0;
    for (const name of NAMES) {
      for (const variant of variants(shipped.get(name)!)) {
        const diagnostics = validateDefinition(variant.def);
        if (diagnostics.length === 0) {
          accepted++;
          expect({ name, variant: variant.what, failures: runFailures(name, variant.def) }).toEqual({
            name,
            variant: variant.what,
            failures: [],
          });
        } else {
          refused++;
          expect({ variant: variant.what, codes: diagnostics.map((d) => d.code).filter((c) => !codes.includes(c)) }).toEqual({
            variant: variant.what,
            codes: [],
          });
          // Running refused variants only shows the class is real: one that fails is enough.
          if (refusedThatFail === 0 && runFailures(name, variant.def).length > 0) refusedThatFail++;
        }
      }
    }
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    expect(refusedThatFail).toBeGreaterThan(0);
  });
});

describe("a child's input", () => {
  it('every key change validate accepts gives the child an input its schema takes; the others are CHILD_INPUT_MISMATCH', async () => {
    const complaint = shipped.get('complaint')!;
    const refund = shipped.get('refund-approval')!;
    const base = complaint.states.refunding.invoke!.with!;
    const variants: Array<[string, Record<string, string>]> = [
      ...Object.keys(base).map((key): [string, Record<string, string>] => [
        `without ${key}`,
        Object.fromEntries(Object.entries(base).filter(([k]) => k !== key)),
      ]),
      ['with an unknown key', { ...base, note: '"x"' }],
      ['reason misspelt', { ...Object.fromEntries(Object.entries(base).filter(([k]) => k !== 'reason')), reson: context_resolution() }],
    ];
    const { default: Ajv } = await import('ajv');
    const childAccepts = new Ajv({ strict: false, allErrors: true }).compile({
      ...refund.input,
      properties: Object.fromEntries(Object.keys(refund.input!.properties as object).map((k) => [k, {}])),
    });
    let accepted = 0;
    for (const [what, withKeys] of variants) {
      const def = clone(complaint);
      def.states.refunding.invoke!.with = withKeys;
      const reporter = createReporter(unlocated());
      checkChildInputs(def as unknown as JsonRecord, (id) => (id === 'refund-approval' ? refund : undefined), reporter);
      const keysOnly = Object.fromEntries(Object.keys(withKeys).map((k) => [k, null]));
      if (reporter.diagnostics.length === 0) {
        accepted++;
        expect({ what, childAccepts: childAccepts(keysOnly) }).toEqual({ what, childAccepts: true });
      } else {
        expect({ what, codes: [...new Set(reporter.diagnostics.map((d) => d.code))], childAccepts: childAccepts(keysOnly) }).toEqual({
          what,
          codes: ['CHILD_INPUT_MISMATCH'],
          childAccepts: false,
        });
      }
    }
    expect(accepted).toBeGreaterThan(0);
  });
});

function context_resolution(): string {
  return 'context.resolution';
}
