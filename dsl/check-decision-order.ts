/**
 * Decisions may read other decisions (`when: input.amount > decide.limit`); the engine evaluates
 * the ones read first (compiler/expressions.ts). A cycle (a reads b, b reads a) has no order, so
 * it is refused with the cycle named. Linear in the number of rules. Pure.
 */
import { decisionReferences } from './cel';
import { asRecord, hasOwn, isRecord, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';
import { decisionTable } from './decision-table';

/** For each decision, the decisions its rules read (in `when` or `compute`), with the first rule reading each. */
export function decisionGraph(def: JsonRecord): Map<string, Map<string, number>> {
  const graph = new Map<string, Map<string, number>>();
  const tables = asRecord(def.decisions);
  for (const [name, raw] of Object.entries(tables)) {
    const reads = new Map<string, number>();
    decisionTable(raw).rules.forEach((rule, i) => {
      if (!isRecord(rule)) return;
      for (const source of [rule.when, rule.compute]) {
        if (typeof source !== 'string') continue;
        for (const dep of decisionReferences(source)) if (hasOwn(tables, dep) && !reads.has(dep)) reads.set(dep, i);
      }
    });
    graph.set(name, reads);
  }
  return graph;
}

/** Every decision an expression reads, directly or through the decisions it reads. */
export function decisionsReadBy(def: JsonRecord, source: string, graph = decisionGraph(def)): string[] {
  const seen = new Set<string>();
  const stack = decisionReferences(source).filter((n) => graph.has(n));
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const dep of graph.get(name)?.keys() ?? []) stack.push(dep);
  }
  return [...seen];
}

export function checkDecisionOrder(def: JsonRecord, reporter: Reporter): void {
  const graph = decisionGraph(def);
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  // Depth-first, iterative (a shared file may chain many tables): a node met again while open closes a cycle.
  for (const start of graph.keys()) {
    if (state.has(start)) continue;
    const frames: Array<{ name: string; deps: Iterator<string> }> = [{ name: start, deps: graph.get(start)!.keys() }];
    state.set(start, 'open');
    path.push(start);
    while (frames.length) {
      const top = frames[frames.length - 1];
      const next = top.deps.next();
      if (next.done) {
        state.set(top.name, 'done');
        frames.pop();
        path.pop();
        continue;
      }
      const dep = next.value;
      if (state.get(dep) === 'open') {
        reportCycle([...path.slice(path.indexOf(dep)), dep], graph, def, reporter);
        continue;
      }
      if (state.has(dep)) continue;
      state.set(dep, 'open');
      path.push(dep);
      frames.push({ name: dep, deps: graph.get(dep)!.keys() });
    }
  }
}

function reportCycle(cycle: string[], graph: Map<string, Map<string, number>>, def: JsonRecord, reporter: Reporter): void {
  const [first, second] = cycle;
  const rule = graph.get(first)!.get(second)!;
  const shown = cycle.map((n) => `decide.${n}`).join(' → ');
  reporter.report(
    'DECISION_CYCLE',
    [
      'decisions',
      first,
      ...decisionTable(asRecord(def.decisions)[first]).rulePath(rule),
      cycleKey(asRecord(def.decisions)[first], rule, second),
    ],
    `decisions read each other in a cycle: ${shown}; no order can evaluate them, so make one of them read input or context instead`,
  );
}

/** Which expression of the rule reads the next decision of the cycle: its `when`, else its `compute`. */
function cycleKey(raw: unknown, rule: number, next: string): 'when' | 'compute' {
  const r = asRecord(decisionTable(raw).rules[rule]);
  return typeof r.when === 'string' && decisionReferences(r.when).includes(next) ? 'when' : 'compute';
}
