/**
 * `npm run bench:validate`: how validation scales (issue 12). Not a test: it reports. Generates
 * definitions and times `docket validate`'s work on them, in this process:
 *
 * - a flat chain of N states (each with an event transition, a guard, an assignment and a
 *   deadline read from a decision table), N = 250 … 2,000 (the engine's limit, MAX_STATES) and
 *   5,000 (refused as DEFINITION_TOO_LARGE: how fast the refusal is);
 * - states nested D deep, D = 8 … 32 (MAX_STATE_DEPTH) and 50 (refused);
 * - a decision table of R rules used as a delay (each rule's answer checked as a duration),
 *   R = 1,250 … 10,000 (no limit on rules);
 *
 * For each: the YAML text size, the time of loadDefinitionText (parse, schema, every semantic pass)
 * as the median of 3 runs, the time per semantic pass at the largest size, and the heap in use
 * after. The per-size ratio (time / size, relative to the smallest) shows whether the cost grows
 * linearly. Writes bench/results/validate-<date>.json and prints a table.
 *
 *   npm run bench:validate [-- --out bench/results]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { loadDefinitionText } from '../dsl/load';
import { createReporter } from '../dsl/reporter';
import { checkSchema } from '../dsl/schema-check';
import { unlocated } from '../dsl/diagnostics';
import { SEMANTIC_PASSES } from '../dsl/validate';

const base = (states: Record<string, unknown>, initial: string, extra: Record<string, unknown> = {}) => ({
  process: 'scale',
  title: 'Scale',
  roles: ['agent'],
  input: { type: 'object', properties: { n: { type: 'integer' } } },
  context: { count: '0', note: '""' },
  events: { NEXT: { by: ['agent'] } },
  decisions: { wait: [{ when: 'input.n > 3', then: '4h' }, { then: '1d' }] },
  initial,
  states,
  ...extra,
});

function flat(n: number): unknown {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < n - 1; i++) {
    states[`s${i}`] = {
      on: {
        NEXT: [
          { if: `input.n > ${i} && context.count >= 0`, target: `s${i + 1}`, assign: { count: 'context.count + 1' } },
          { target: `s${i + 1}` },
        ],
      },
      after: [{ name: `reminder ${i}`, delay: 'decide.wait', target: `s${i + 1}` }],
    };
  }
  states[`s${n - 1}`] = { type: 'final', outcome: 'done' };
  return base(states, 's0');
}

function deep(depth: number): unknown {
  // Level k: a compound state `l<k>` whose initial child is l<k+1>; each l<k+1> leads to its
  // sibling x<k>, which leads to the final state at the top.
  let inner: Record<string, unknown> = { [`l${depth}`]: { on: { NEXT: `x${depth - 1}` } } };
  for (let k = depth - 1; k >= 1; k--) {
    const states = { ...inner, [`x${k}`]: { on: { NEXT: 'done' } } };
    inner = { [`l${k}`]: { initial: `l${k + 1}`, states, ...(k > 1 ? { on: { NEXT: `x${k - 1}` } } : {}) } };
  }
  return base({ ...inner, done: { type: 'final', outcome: 'done' } }, 'l1');
}

function table(rules: number): unknown {
  const wait = Array.from({ length: rules - 1 }, (_, i) => ({ when: `input.n == ${i}`, then: `${(i % 59) + 1}m` }));
  wait.push({ then: '1d' } as never);
  return base(
    { open: { on: { NEXT: 'done' }, after: [{ delay: 'decide.wait', target: 'done' }] }, done: { type: 'final', outcome: 'done' } },
    'open',
    {
      decisions: { wait },
    },
  );
}

interface Row {
  shape: string;
  size: number;
  yamlBytes: number;
  ms: number;
  msPerUnit: number;
  diagnostics: string;
  heapMb: number;
}

function time(fn: () => void): number {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    fn();
    runs.push(performance.now() - t);
  }
  return runs.sort((a, b) => a - b)[1];
}

function measure(shape: string, size: number, def: unknown): Row {
  const text = stringify(def);
  let codes = '';
  const ms = time(() => {
    const { diagnostics } = loadDefinitionText(text, `${shape}-${size}.yaml`);
    codes = diagnostics.length ? [...new Set(diagnostics.map((d) => d.code))].join(',') : 'valid';
  });
  global.gc?.();
  return {
    shape,
    size,
    yamlBytes: Buffer.byteLength(text),
    ms,
    msPerUnit: ms / size,
    diagnostics: codes,
    heapMb: process.memoryUsage().heapUsed / 2 ** 20,
  };
}

/** Time of the schema check and each semantic pass on one parsed definition. */
function perPass(def: unknown): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  const reporter = createReporter(unlocated());
  out.push(['schema', time(() => checkSchema(def, reporter))]);
  for (const pass of SEMANTIC_PASSES) out.push([pass.name, time(() => pass(def as never, reporter))]);
  return out;
}

function main(): void {
  const outDir = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : path.join(__dirname, 'results');
  const rows: Row[] = [];
  for (const n of [250, 500, 1000, 2000, 5000]) rows.push(measure('states', n, flat(n)));
  for (const d of [8, 16, 32, 50]) rows.push(measure('depth', d, deep(d)));
  for (const r of [1250, 2500, 5000, 10000]) rows.push(measure('rules', r, table(r)));
  // 5,000 states is past the engine's limits (MAX_STATES, and 1 MiB of YAML): timed pass by pass
  // on the parsed definition, to show the checks themselves stay near-linear beyond them.
  const passes = {
    'states 2000': perPass(flat(2000)),
    'states 5000 (beyond the limits)': perPass(flat(5000)),
    'depth 32': perPass(deep(32)),
    'rules 10000': perPass(table(10000)),
  };

  const lines = [
    `validation scale, ${new Date().toISOString()}, node ${process.version}, ${process.arch}`,
    '',
    '| shape | size | YAML bytes | ms (median of 3) | ms per unit | x per unit vs smallest | result | heap MB after |',
    '|---|---:|---:|---:|---:|---:|---|---:|',
  ];
  for (const row of rows) {
    const first = rows.find((r) => r.shape === row.shape)!;
    lines.push(
      `| ${row.shape} | ${row.size} | ${row.yamlBytes.toLocaleString('en')} | ${row.ms.toFixed(1)} | ${row.msPerUnit.toFixed(3)} | ${(row.msPerUnit / first.msPerUnit).toFixed(2)} | ${row.diagnostics} | ${row.heapMb.toFixed(0)} |`,
    );
  }
  for (const [name, list] of Object.entries(passes)) {
    const total = list.reduce((sum, [, ms]) => sum + ms, 0);
    lines.push('', `per pass, ${name}: ${total.toFixed(0)} ms in all: ${list.map(([pass, ms]) => `${pass} ${ms.toFixed(1)}`).join(', ')}`);
  }
  console.log(lines.join('\n'));
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `validate-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), node: process.version, rows, passes }, null, 2));
  console.log(`\nwrote ${file}`);
}

main();
