/**
 * Several outputs per rule: a table whose every rule gives an object (`then: { approver: lead,
 * limit: 1000 }`) has those fields as its outputs, read as `decide.<name>.<field>`. Reading a field
 * no rule gives would fail the case at run time ("no such key"), so it is refused here, with the
 * fields the table has. Tables whose answers are not all objects are not judged (their fields
 * are not known). Pure.
 */
import { parseTree, type CelNode } from './cel';
import { delaySites, expressionSites } from './check-expressions';
import { decisionTable } from './decision-table';
import { asRecord, hasOwn, isRecord, type JsonRecord } from './json-shape';
import type { Reporter } from './reporter';
import { listNames, suggest } from './suggest';

export function checkDecisionOutputs(def: JsonRecord, reporter: Reporter): void {
  const outputs = outputFields(def);
  if (outputs.size === 0) return;
  for (const site of [...expressionSites(def), ...delaySites(def)]) {
    const tree = parseTree(site.source);
    if (!tree) continue;
    for (const read of outputReads(tree)) {
      const fields = outputs.get(read.decision);
      if (!fields || fields.includes(read.field)) continue;
      const near = suggest(read.field, fields);
      reporter.report(
        'UNKNOWN_DECISION_OUTPUT',
        site.path,
        `decision "${read.decision}" has no output "${read.field}"${near ? ` (did you mean "decide.${read.decision}.${near}"?)` : ''}: its rules give ${listNames(fields)}; read one of those or add the field to every rule's then`,
        { offset: read.offset },
      );
    }
  }
}

/** For each table whose every rule gives an object: the fields its rules give. */
export function outputFields(def: JsonRecord): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const tables = asRecord(def.decisions);
  for (const name of Object.keys(tables)) {
    const table = decisionTable(tables[name]);
    // A collect table answers with a list or a number, never one rule's object.
    if (table.hit === 'collect' || table.rules.length === 0) continue;
    if (!table.rules.every((r) => isRecord(r) && isRecord(r.then))) continue;
    const fields = new Set<string>();
    for (const rule of table.rules) for (const key of Object.keys(asRecord(rule.then))) fields.add(key);
    if (hasOwn(tables, name)) out.set(name, [...fields]);
  }
  return out;
}

/** Every `decide.<name>.<field>` outside `has(…)`, with where it starts. */
function outputReads(tree: CelNode): Array<{ decision: string; field: string; offset: number }> {
  const out: Array<{ decision: string; field: string; offset: number }> = [];
  const walk = (node: unknown, tested: boolean): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((n) => walk(n, tested));
    const n = node as CelNode & { pos?: number };
    if (n.op === '.' && Array.isArray(n.args) && !tested) {
      const [target, field] = n.args as [CelNode & { pos?: number }, unknown];
      if (target?.op === '.' && Array.isArray(target.args)) {
        const [root, decision] = target.args as [CelNode & { pos?: number }, unknown];
        if (root?.op === 'id' && root.args === 'decide' && typeof decision === 'string' && typeof field === 'string')
          out.push({ decision, field, offset: root.pos ?? 0 });
      }
    }
    const isHas = n.op === 'call' && Array.isArray(n.args) && n.args[0] === 'has';
    if (Array.isArray(n.args)) n.args.forEach((a) => walk(a, tested || isHas));
    else if (n.args && typeof n.args === 'object') walk(n.args, tested);
  };
  walk(tree, false);
  return out;
}
