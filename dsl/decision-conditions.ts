/**
 * What a decision rule's `when` says about its inputs, where that can be proved: the forms the
 * overlap and gap checks (dsl/check-decision-coverage.ts) reason about. A condition is read as a
 * conjunction (`&&`) of atoms, each about one path (`input.amount`, `context.tier`, `decide.x.y`):
 *
 *   path <  <= > >= == number      (either side; negative and decimal numbers too)
 *   path == "text"   path in ["a", "b"]
 *   has(path)                      (adds nothing: every witness value is present)
 *
 * Anything else (`||`, `!`, `!=`, arithmetic, function calls, booleans, mixing numbers and text on
 * one path) makes the rule "cannot check": the checks then say nothing about its table rather than
 * guess. Pure.
 */
import { parseTree, type CelNode } from './cel';

export interface Interval {
  lo: number;
  loOpen: boolean;
  hi: number;
  hiOpen: boolean;
}

/** What one rule allows for one path: a numeric interval or a set of strings. */
export type Constraint = { kind: 'number'; interval: Interval } | { kind: 'string'; values: string[] };

/** A rule's condition: per path, what it allows. Empty = matches everything (a rule without `when`). */
export type Box = Map<string, Constraint>;

export const ALL_NUMBERS: Interval = { lo: -Infinity, loOpen: true, hi: Infinity, hiOpen: true };

/** The rule's condition as a box, or undefined when it is not of a form this module can read. */
export function ruleBox(when: unknown): Box | undefined {
  if (when === undefined) return new Map();
  if (typeof when !== 'string') return undefined;
  const tree = parseTree(when);
  if (!tree) return undefined;
  const box: Box = new Map();
  const atoms: CelNode[] = [];
  if (!conjuncts(tree, atoms)) return undefined;
  for (const atom of atoms) {
    const read = readAtom(atom);
    if (read === 'ignore') continue;
    if (!read) return undefined;
    const before = box.get(read.path);
    if (!before) box.set(read.path, read.constraint);
    else {
      const both = intersect(before, read.constraint);
      if (!both) return undefined; // numbers and text on one path
      box.set(read.path, both);
    }
  }
  return box;
}

function conjuncts(node: CelNode, out: CelNode[]): boolean {
  if (node.op === '&&' && Array.isArray(node.args)) return (node.args as CelNode[]).every((n) => conjuncts(n, out));
  out.push(node);
  return true;
}

const FLIPPED: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==' };

function readAtom(node: CelNode): { path: string; constraint: Constraint } | 'ignore' | undefined {
  if (node.op === 'call' && Array.isArray(node.args) && node.args[0] === 'has') {
    const [arg] = (node.args[1] ?? []) as CelNode[];
    return arg && pathOf(arg) !== undefined ? 'ignore' : undefined;
  }
  if (!Array.isArray(node.args) || node.args.length !== 2) return undefined;
  const [left, right] = node.args as [CelNode, CelNode];
  if (node.op === 'in') {
    const path = pathOf(left);
    if (path === undefined || right?.op !== 'list' || !Array.isArray(right.args)) return undefined;
    const values = (right.args as CelNode[]).map(stringLiteral);
    if (values.some((v) => v === undefined)) return undefined;
    return { path, constraint: { kind: 'string', values: values as string[] } };
  }
  if (!(node.op in FLIPPED)) return undefined;
  let path = pathOf(left);
  let other = right;
  let op = node.op;
  if (path === undefined) {
    path = pathOf(right);
    other = left;
    op = FLIPPED[op];
  }
  if (path === undefined) return undefined;
  const text = stringLiteral(other);
  if (text !== undefined) return op === '==' ? { path, constraint: { kind: 'string', values: [text] } } : undefined;
  const n = numberLiteral(other);
  if (n === undefined) return undefined;
  return { path, constraint: { kind: 'number', interval: comparison(op, n) } };
}

function comparison(op: string, n: number): Interval {
  switch (op) {
    case '<':
      return { ...ALL_NUMBERS, hi: n, hiOpen: true };
    case '<=':
      return { ...ALL_NUMBERS, hi: n, hiOpen: false };
    case '>':
      return { ...ALL_NUMBERS, lo: n, loOpen: true };
    case '>=':
      return { ...ALL_NUMBERS, lo: n, loOpen: false };
    default:
      return { lo: n, loOpen: false, hi: n, hiOpen: false };
  }
}

/** `input.a.b` or `input["a"]`, as dotted text; undefined for anything else. */
function pathOf(node: CelNode | undefined): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  if (node.op === 'id' && typeof node.args === 'string') return node.args;
  if ((node.op === '.' || node.op === '[]') && Array.isArray(node.args)) {
    const [target, field] = node.args as [CelNode, unknown];
    const name = node.op === '.' ? field : stringLiteral(field as CelNode);
    const base = pathOf(target);
    return base !== undefined && typeof name === 'string' ? `${base}.${name}` : undefined;
  }
  return undefined;
}

function stringLiteral(node: CelNode | undefined): string | undefined {
  return node?.op === 'value' && typeof node.args === 'string' ? node.args : undefined;
}

function numberLiteral(node: CelNode | undefined): number | undefined {
  if (node?.op === '-_') {
    const n = numberLiteral(node.args as CelNode);
    return n === undefined ? undefined : -n;
  }
  if (node?.op !== 'value') return undefined;
  // Whole numbers parse as bigint; doubles as number. Unsigned ints (`2u`) and the rest are not read.
  if (typeof node.args === 'bigint') return Number(node.args);
  return typeof node.args === 'number' && Number.isFinite(node.args) ? node.args : undefined;
}

/** Both constraints at once; undefined when they are of different kinds (cannot check). */
export function intersect(a: Constraint, b: Constraint): Constraint | undefined {
  if (a.kind === 'number' && b.kind === 'number') return { kind: 'number', interval: intersectIntervals(a.interval, b.interval) };
  if (a.kind === 'string' && b.kind === 'string') return { kind: 'string', values: a.values.filter((v) => b.values.includes(v)) };
  return undefined;
}

export function intersectIntervals(a: Interval, b: Interval): Interval {
  const lo = a.lo > b.lo ? a : a.lo < b.lo ? b : { lo: a.lo, loOpen: a.loOpen || b.loOpen };
  const hi = a.hi < b.hi ? a : a.hi > b.hi ? b : { hi: a.hi, hiOpen: a.hiOpen || b.hiOpen };
  return { lo: lo.lo, loOpen: lo.loOpen, hi: hi.hi, hiOpen: hi.hiOpen };
}

export function inInterval(x: number, i: Interval): boolean {
  return (i.loOpen ? x > i.lo : x >= i.lo) && (i.hiOpen ? x < i.hi : x <= i.hi);
}

/**
 * A number in `domain` (and whole when `integer`) that lies in every interval of `inAll` and in
 * none of `inNone`, or undefined when there is none. Exact: membership only changes at the
 * intervals' bounds, so trying each bound and one point between (and beyond) each pair of
 * neighbouring bounds tries every piece of the line.
 */
export function findNumber(domain: Interval, integer: boolean, inAll: Interval[], inNone: Interval[]): number | undefined {
  const bounds = new Set<number>();
  for (const i of [domain, ...inAll, ...inNone]) for (const b of [i.lo, i.hi]) if (Number.isFinite(b)) bounds.add(b);
  const sorted = [...bounds].sort((x, y) => x - y);
  const candidates: number[] = [...sorted];
  if (sorted.length === 0) candidates.push(0);
  else {
    candidates.push(sorted[0] - 1, sorted[sorted.length - 1] + 1);
    for (let k = 0; k + 1 < sorted.length; k++) candidates.push((sorted[k] + sorted[k + 1]) / 2);
  }
  const tried = integer ? candidates.flatMap((c) => [Math.floor(c), Math.ceil(c), Math.floor(c) + 1, Math.ceil(c) - 1]) : candidates;
  return tried.find((x) => inInterval(x, domain) && inAll.every((i) => inInterval(x, i)) && !inNone.some((i) => inInterval(x, i)));
}
