/**
 * CEL expressions: parse once, evaluate many times, over JSON values.
 *
 * Beyond standard CEL: `sum(list)`, `avg(list)` (0 for an empty list) and `last(list, n)` (the last
 * n items), for rolling windows; `millis(timestamp)` and `millis(duration)`, a time or a span as
 * milliseconds (the unit of `now`), to store or compare (docs/cel-time.md).
 * `caseId` is the case's workflow id (its business key), for activities that record per case.
 *
 * Safe inside the Temporal workflow sandbox (no I/O, no clock): `now` is passed in by the caller.
 * JSON numbers that are whole become CEL `int` (so `context.count + 1` works) and CEL ints come
 * back as JS numbers, so every value stays JSON- and payload-serialisable.
 *
 * `matches()` runs on RE2 (re2js, linear time in the input) instead of cel-js's JavaScript RegExp,
 * which backtracks: `"aaaa…!".matches("^(a+)+$")` would stall a worker for hours. RE2 syntax has no
 * backreferences or lookaround; such a pattern is an evaluation error. See docs/limits.md.
 */
import { Environment } from '@marcbachmann/cel-js';
import { RE2JS } from 're2js';

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
  .registerFunction('last(list, int): list', (list: unknown[], n: bigint) => (n <= 0n ? [] : list.slice(-Number(n))))
  // Times as numbers: what a definition stores in context, compares with `now` and uses as a delay.
  // A CEL timestamp or duration is not JSON, so it cannot be stored (validate refuses that).
  .registerFunction('millis(google.protobuf.Timestamp): int', (t: Date) => BigInt(t.getTime()))
  .registerFunction(
    'millis(google.protobuf.Duration): int',
    (d: { seconds: bigint | number; nanos: number }) => BigInt(d.seconds) * 1000n + BigInt(Math.trunc(d.nanos / 1e6)),
  );

useRe2ForMatches(env);

const EMPTY: Record<string, unknown> = { input: {}, context: {}, event: {}, decide: {}, now: 0, caseId: '' };

type Evaluator = (vars: Record<string, unknown>) => unknown;
/**
 * Parsed expressions by source text. In a worker this module is shared by every case (preloaded,
 * workflows/shared-libraries.ts), so each expression is parsed once per worker; the parse is a pure
 * function of the text. Bounded: cleared when it reaches MAX_CACHED_EXPRESSIONS.
 */
const cache = new Map<string, Evaluator>();
const MAX_CACHED_EXPRESSIONS = 5000;
/**
 * CEL values of the JSON objects expressions read (input, context, event data), by object: a case
 * evaluates many expressions over the same context, and converting it (numbers to CEL ints) each
 * time was a visible share of the worker's CPU. Keyed weakly by the object itself, which is never
 * changed in place once evaluated over: XState's `assign` makes a new context object (and members it
 * did not change are the same objects as before), the input is fixed at start, event data is
 * copied on arrival, and the definition's own values (decision results) are frozen.
 */
const celValues = new WeakMap<object, unknown>();

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
export function decisionReferences(source: string): readonly string[] {
  // Asked before every evaluation (compiler/expressions.ts): parsed once per expression text.
  let names = decisionNames.get(source);
  if (!names) {
    names = Object.freeze(fieldReferences(source, 'decide').map((r) => r.name));
    if (decisionNames.size >= MAX_CACHED_EXPRESSIONS) decisionNames.clear();
    decisionNames.set(source, names);
  }
  return names;
}
const decisionNames = new Map<string, readonly string[]>();

/** A `<variable>.<name>` in an expression: the name, where it starts, and whether it sits inside `has(…)`. */
export interface FieldReference {
  name: string;
  offset: number;
  /** Inside `has(…)`, which asks whether the field is there, so a missing one is no error. */
  tested: boolean;
}

/** Every `<variable>.<name>` (and `<variable>["name"]`) an expression reads; none when it does not parse. */
export function fieldReferences(source: string, variable: string): FieldReference[] {
  const out: FieldReference[] = [];
  let ast: unknown;
  try {
    ast = (env.parse(source) as unknown as { ast: unknown }).ast;
  } catch {
    return out;
  }
  const walk = (node: unknown, tested: boolean): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((n) => walk(n, tested)); // call arguments come as nested lists
    const n = node as { op?: string; args?: unknown; pos?: number };
    if ((n.op === '.' || n.op === '[]') && Array.isArray(n.args)) {
      const [target, field] = n.args as [{ op?: string; args?: unknown; pos?: number }, unknown];
      const name =
        n.op === '.' ? field : (field as { op?: string; args?: unknown })?.op === 'value' ? (field as { args?: unknown }).args : undefined;
      if (target?.op === 'id' && target.args === variable && typeof name === 'string') out.push({ name, offset: target.pos ?? 0, tested });
    }
    const isHas = n.op === 'call' && Array.isArray(n.args) && n.args[0] === 'has';
    if (Array.isArray(n.args)) n.args.forEach((a) => walk(a, tested || isHas));
    else if (n.args && typeof n.args === 'object') walk(n.args, tested);
  };
  walk(ast, false);
  return out;
}

/**
 * The CEL type the checker gives an expression (`bool`, `int`, `string`, `dyn`, …), or undefined
 * when it does not check. `dyn` means "known only at run time" (anything read from input,
 * context, event or decide).
 */
export function expressionType(source: string): string | undefined {
  if (types.has(source)) return types.get(source);
  let type: string | undefined;
  try {
    const checked = env.check(source) as { valid: boolean; type?: unknown };
    type = checked.valid && typeof checked.type === 'string' ? checked.type : undefined;
  } catch {
    type = undefined;
  }
  // Bounded like the pattern cache: a hostile definition cannot grow it without end.
  if (types.size >= 5000) types.clear();
  types.set(source, type);
  return type;
}
const types = new Map<string, string | undefined>();

/** A CEL syntax-tree node as the parser gives it (`op` and `args`), for static reading of conditions. */
export interface CelNode {
  op: string;
  args: unknown;
}

/** The parsed tree of an expression, or undefined when it does not parse. */
export function parseTree(source: string): CelNode | undefined {
  try {
    return (env.parse(source) as unknown as { ast: CelNode }).ast;
  } catch {
    return undefined;
  }
}

/** The value of an expression that is a single literal (`"4h"`, `48`, `true`), or undefined. */
export function literalValue(source: string): { value: unknown } | undefined {
  try {
    const ast = (env.parse(source) as unknown as { ast: { op?: string; args?: unknown } }).ast;
    if (ast?.op !== 'value') return undefined;
    const v = ast.args;
    return { value: typeof v === 'bigint' ? Number(v) : v };
  } catch {
    return undefined;
  }
}

/** Evaluates an expression. Throws `CelEvaluationError` naming the expression on failure. */
export function evaluate(source: string, vars: CelVariables): unknown {
  let fn = cache.get(source);
  if (!fn) {
    fn = env.parse(source) as unknown as Evaluator;
    if (cache.size >= MAX_CACHED_EXPRESSIONS) cache.clear();
    cache.set(source, fn);
  }
  const celVars: Record<string, unknown> = {};
  for (const name of CEL_VARIABLES) celVars[name] = toCelCached(vars[name] ?? EMPTY[name]);
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

/**
 * The CEL value of a JSON value, with every object and array in it converted once (celValues):
 * an `assign` copies the context's top level only, so the members it did not change keep their
 * converted values, and the same event data is read by the guard, the assignments and the
 * actions of one transition.
 */
function toCelCached(value: unknown): unknown {
  if (!value || typeof value !== 'object') return toCel(value);
  let converted = celValues.get(value);
  if (converted === undefined) {
    converted = toCel(value);
    celValues.set(value, converted);
  }
  return converted;
}

function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCelCached);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) setOwn(out, k, toCelCached(v));
    }
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
    for (const k of Object.keys(value)) setOwn(out, k, fromCel((value as Record<string, unknown>)[k]));
    return out;
  }
  return value;
}

/**
 * `out[key] = value`, except that a key `__proto__` (JSON allows it) stays an ordinary member
 * (`defineProperty` only then: it is several times slower than an assignment, on every member of
 * every value converted).
 */
function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** Longest regular expression `matches()` accepts. */
export const MAX_PATTERN_LENGTH = 1000;
const patterns = new Map<string, RE2JS>();

/** `s.matches(pattern)` with RE2 semantics: true when the pattern matches anywhere in `s` (as in CEL). */
export function re2Matches(s: string, pattern: string): boolean {
  let re = patterns.get(pattern);
  if (!re) {
    if (pattern.length > MAX_PATTERN_LENGTH) throw new Error(`regular expression longer than ${MAX_PATTERN_LENGTH} characters`);
    try {
      re = RE2JS.compile(pattern);
    } catch (err) {
      throw new Error(
        `invalid regular expression ${JSON.stringify(pattern)} (RE2 syntax: no backreferences or lookaround): ${firstLine(err)}`,
        { cause: err },
      );
    }
    if (patterns.size >= 500) patterns.clear();
    patterns.set(pattern, re);
  }
  return re.matcher(s).find();
}

/**
 * cel-js has no way to replace a standard function, and its declarations are frozen; but the list
 * of overloads an environment resolves `matches` against is its own. Swap the declaration in that
 * list for one with the same signature and the RE2 handler. Fails loudly if cel-js changes shape.
 */
function useRe2ForMatches(environment: Environment): void {
  const probe = environment.parse('"a".matches("a")') as unknown as {
    check(): unknown;
    ast: { candidates?: { declarations?: Array<Record<string, unknown>> } };
  };
  probe.check();
  const declarations = probe.ast.candidates?.declarations;
  const i = declarations?.findIndex((d) => d.signature === 'string.matches(string): bool') ?? -1;
  if (!declarations || i < 0)
    throw new Error('cel-js: string.matches(string) not found; dsl/cel.ts must be updated for this cel-js version');
  const d = declarations[i];
  const Declaration = d.constructor as new (spec: Record<string, unknown>) => Record<string, unknown>;
  declarations[i] = new Declaration({
    name: d.name,
    receiverType: d.receiverType,
    returnType: d.returnType,
    params: d.params,
    description: 'Tests a string against an RE2 regular expression (linear time).',
    handler: re2Matches,
  });
}

function celProblem(err: unknown): CelProblem {
  const e = err as { message?: string; node?: { pos?: number }; pos?: number };
  return { message: firstLine(err), offset: e?.node?.pos ?? e?.pos ?? 0 };
}

function firstLine(err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  return message.split('\n')[0];
}
