/**
 * CEL expressions: parse once, evaluate many times, over JSON values.
 *
 * Beyond standard CEL: `sum(list)`, `avg(list)` (0 for an empty list) and `last(list, n)` (the last
 * n items), for rolling windows.
 * `caseId` is the case's workflow id (its business key), for activities that record per case.
 *
 * Safe inside the Temporal workflow sandbox (no I/O, no clock): `now` is passed in by the caller.
 * JSON numbers that are whole become CEL `int` (so `context.count + 1` works) and CEL ints come
 * back as JS numbers, so every value stays JSON- and payload-serialisable.
 */
import { Environment } from '@marcbachmann/cel-js';

/** Variables every expression may use. */
export const CEL_VARIABLES = ['input', 'context', 'event', 'decide', 'now', 'caseId'] as const;
export type CelVariables = Partial<Record<(typeof CEL_VARIABLES)[number], unknown>>;

const env = new Environment({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: false })
  .registerVariable('input', 'dyn')
  .registerVariable('context', 'dyn')
  .registerVariable('event', 'dyn')
  .registerVariable('decide', 'dyn')
  .registerVariable('now', 'int')
  .registerVariable('caseId', 'string')
  // Aggregates CEL lacks, for rolling windows in definitions (e.g. the complaint monitor).
  .registerFunction('sum(list): double', (list: unknown[]) => list.reduce<number>((total, x) => total + Number(x), 0))
  .registerFunction('avg(list): double', (list: unknown[]) =>
    list.length === 0 ? 0 : list.reduce<number>((total, x) => total + Number(x), 0) / list.length,
  )
  .registerFunction('last(list, int): list', (list: unknown[], n: bigint) => (n <= 0n ? [] : list.slice(-Number(n))));

const EMPTY: Record<string, unknown> = { input: {}, context: {}, event: {}, decide: {}, now: 0, caseId: '' };

type Evaluator = (vars: Record<string, unknown>) => unknown;
const cache = new Map<string, Evaluator>();

/** A CEL problem with the offset (into the expression text) where it was found. */
export interface CelProblem {
  message: string;
  offset: number;
}

/** Parses and type-checks an expression without evaluating it. Returns undefined when it is fine. */
export function checkExpression(source: string): CelProblem | undefined {
  try {
    env.parse(source);
  } catch (err) {
    return celProblem(err);
  }
  const checked = env.check(source) as { valid: boolean; error?: unknown };
  if (!checked.valid) return celProblem(checked.error);
  return undefined;
}

/** Names used as `decide.<name>` in an expression (for "unknown decision" checks). */
export function decisionReferences(source: string): string[] {
  const names: string[] = [];
  let ast: unknown;
  try {
    ast = (env.parse(source) as unknown as { ast: unknown }).ast;
  } catch {
    return names;
  }
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk); // call arguments come as nested lists
    const n = node as { op?: string; args?: unknown };
    if (n.op === '.' && Array.isArray(n.args)) {
      const [target, field] = n.args as [{ op?: string; args?: unknown }, unknown];
      if (target?.op === 'id' && target.args === 'decide' && typeof field === 'string') names.push(field);
    }
    if (Array.isArray(n.args)) n.args.forEach(walk);
    else if (n.args && typeof n.args === 'object') walk(n.args);
  };
  walk(ast);
  return names;
}

/** Evaluates an expression. Throws `CelEvaluationError` naming the expression on failure. */
export function evaluate(source: string, vars: CelVariables): unknown {
  let fn = cache.get(source);
  if (!fn) {
    fn = env.parse(source) as unknown as Evaluator;
    cache.set(source, fn);
  }
  const celVars: Record<string, unknown> = {};
  for (const name of CEL_VARIABLES) celVars[name] = toCel(vars[name] ?? EMPTY[name]);
  try {
    return fromCel(fn(celVars));
  } catch (err) {
    throw new CelEvaluationError(source, firstLine(err));
  }
}

/** Evaluates a guard: it must give a boolean. */
export function evaluateBoolean(source: string, vars: CelVariables): boolean {
  const value = evaluate(source, vars);
  if (typeof value !== 'boolean') {
    throw new CelEvaluationError(source, `must give true or false, gave ${JSON.stringify(value)}`);
  }
  return value;
}

/** Evaluates each entry of a `key: expression` map. */
export function evaluateMap(exprs: Record<string, string> | undefined, vars: CelVariables): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, source] of Object.entries(exprs ?? {})) out[key] = evaluate(source, vars);
  return out;
}

export class CelEvaluationError extends Error {
  override name = 'CelEvaluationError';
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`expression \`${expression}\`: ${reason}`);
  }
}

function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) setOwn(out, k, toCel(v));
    return out;
  }
  return value;
}

function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), fromCel(v)]));
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Uint8Array) return Array.from(value);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, fromCel(v));
    return out;
  }
  return value;
}

/** `out[key] = value`, except that a key `__proto__` (JSON allows it) stays an ordinary member. */
function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

function celProblem(err: unknown): CelProblem {
  const e = err as { message?: string; node?: { pos?: number }; pos?: number };
  return { message: firstLine(err), offset: e?.node?.pos ?? e?.pos ?? 0 };
}

function firstLine(err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  return message.split('\n')[0];
}
