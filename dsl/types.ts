/**
 * The shape of a process definition (DSL v1) after YAML loading and validation.
 * Plain JSON: it travels to the workflow as input, so it must stay serialisable.
 *
 * Expressions (`Expr`) are CEL source text evaluated over
 * `{ input, context, event, decide, now }` — see dsl/cel-env.ts.
 */

/** CEL source text. */
export type Expr = string;

/** A literal duration such as `90s`, `4h`, `3d`, `1h30m`, `500ms`. */
export type DurationLiteral = string;

/** A JSON Schema document (draft 2020-12 subset understood by ajv). */
export type JsonSchema = Record<string, unknown>;

export interface ProcessDefinition {
  /** Process id, kebab-case; also the search-attribute value `DocketProcess`. */
  process: string;
  title: string;
  description?: string;
  /** Every role that may appear in `events.*.by` or transitions' `by`. */
  roles: string[];
  /** JSON Schema of the start payload (`input`). */
  input?: JsonSchema;
  /** Initial context: each key is a CEL expression over `input`, `decide`, `now`. */
  context?: Record<string, Expr>;
  /**
   * Shared decision files, relative to the definition's file. Source-only: loading merges their
   * tables into `decisions` and drops this key, so a loaded definition never has it.
   */
  uses?: string[];
  /**
   * Decision tables. A list of rules: the first whose `when` is true (or that has no `when`) gives
   * `then`. A `{ hit, aggregate, rules }` table names its hit policy (dsl/decision-table.ts).
   */
  decisions?: Record<string, DecisionRule[] | DecisionTable>;
  /** Events that actors may send, with the roles allowed to send them and their payload schema. */
  events?: Record<string, EventSpec>;
  /** Per-process search attributes, each a CEL expression re-evaluated on every transition. */
  index?: Partial<Record<IndexField, Expr>>;
  /** Bounds on what callers may send to a case (see compiler/event-limits.ts). */
  limits?: ProcessLimits;
  /**
   * Segregation of duties: of these events, two consecutive ones in a case must be sent by
   * different people (canonical actor ids); see compiler/distinct-actors.ts.
   */
  distinctActors?: string[];
  /**
   * Process-wide events: handled in any state until the case ends, interrupting what runs there
   * (compiler/process-events.ts). Targets are top-level states or dotted paths.
   */
  on?: Record<string, TransitionInput>;
  /** Name of the initial top-level state. */
  initial: string;
  states: Record<string, StateSpec>;
}

export interface ProcessLimits {
  /** Largest event (type, actor and data, JSON-encoded) accepted, in bytes: 1024 to 524288, default 65536. */
  eventBytes?: number;
}

/** How a table answers when several rules match: see docs/dsl-timers-and-decisions.md. */
export type DecisionHit = 'first' | 'unique' | 'collect';
export type DecisionAggregate = 'sum' | 'min' | 'max' | 'count';

export interface DecisionTable {
  /** `first` (default): the first match; `unique`: at most one may match; `collect`: all matches. */
  hit?: DecisionHit;
  /** Under `collect` only: fold the matches' values; none gives the list of them. */
  aggregate?: DecisionAggregate;
  rules: DecisionRule[];
}

export interface DecisionRule {
  /** CEL condition; a rule without `when` always matches (use it last, as the default). */
  when?: Expr;
  /** The decision's value: any JSON value; an object's fields are read as `decide.<name>.<field>`. */
  then?: unknown;
  /**
   * Instead of `then`: a CEL expression giving the value when the rule matches, over the same
   * variables as `when` (so it may read other decisions: `compute: decide.base + 25`).
   */
  compute?: Expr;
}

export interface EventSpec {
  /** Roles allowed to send this event. */
  by: string[];
  description?: string;
  /** JSON Schema of `event.data`. */
  data?: JsonSchema;
}

export interface StateSpec {
  description?: string;
  /** `parallel`: all children are active at once. `final`: the process (or region) ends here. */
  type?: 'parallel' | 'final';
  /** Initial child, required when `states` is present and the state is not parallel. */
  initial?: string;
  states?: Record<string, StateSpec>;
  entry?: Action[];
  exit?: Action[];
  on?: Record<string, TransitionInput>;
  always?: TransitionInput;
  after?: DelaySpec[];
  invoke?: InvokeSpec;
  /** Outcome a top-level final state reports as the case result: a name, or an expression giving one. */
  outcome?: string | OutcomeExpr;
  /** On a final state: what it hands on (its region's output in a join, or the child's output to a parent). */
  output?: Record<string, Expr>;
  /** Join: taken when this compound state reaches a final child, or every region of this parallel state does. */
  onDone?: TransitionInput;
  /** On a top-level final state: run the compensations of completed invocations, newest first. */
  compensate?: boolean;
}

/** An outcome computed when the final state is entered; it must give one of `oneOf`. */
export interface OutcomeExpr {
  expr: Expr;
  oneOf: string[];
}

export interface Action {
  /** Context keys set to the value of CEL expressions. */
  assign?: Record<string, Expr>;
  /** A CEL expression whose value is written to the workflow log. */
  log?: Expr;
}

/** A target name, a transition, or a list of guarded transitions (first whose `if` holds wins). */
export type TransitionInput = string | TransitionSpec | TransitionSpec[];

export interface TransitionSpec {
  /** Target state: a sibling name, an ancestor's sibling, or a dotted path from the root. Omit to stay. */
  target?: string;
  /** CEL guard. */
  if?: Expr;
  /** Narrows the event's `by` roles for this transition. */
  by?: string[];
  assign?: Record<string, Expr>;
  description?: string;
}

export interface DelaySpec extends TransitionSpec {
  /** A duration literal (`4h`) or a CEL expression giving one (a string like "4h", or milliseconds). Exactly one of `delay` / `at`. */
  delay?: DurationLiteral | Expr;
  /** An absolute due time: a CEL expression giving a timestamp, epoch milliseconds or an RFC 3339 string. */
  at?: Expr;
  /**
   * `deadline`: an SLA someone must beat (audited met/missed, counted in the totals). `wait`: a
   * pause, follow-up or window that is never graded. Omitted (definitions written before kinds):
   * guessed from whether the state takes events (compiler/timer-kind.ts).
   */
  kind?: TimerKind;
  /** Name shown for the pending deadline (default: `<state>.after[<i>]`). */
  name?: string;
}

export type TimerKind = 'deadline' | 'wait';

export interface InvokeSpec {
  /** Registered activity name (see activities/catalog.ts). Exactly one of `activity` / `process`. */
  activity?: string;
  /** Child process id; its definition is bundled at start time. */
  process?: string;
  /** Input: each key a CEL expression. */
  with?: Record<string, Expr>;
  /** Activity start-to-close timeout (default 30s); for a child process its run timeout (default none). */
  timeout?: DurationLiteral;
  retry?: RetrySpec;
  /** Taken when the invocation returns; `event.output` holds its result. */
  onDone?: TransitionInput;
  /** Taken when it fails for good; `event.error` holds the message. */
  onError?: TransitionInput;
  /** What undoes this invocation's effect (compiler/compensation.ts); `with` sees `event.output`. */
  compensate?: CompensateSpec;
}

export interface CompensateSpec {
  activity?: string;
  process?: string;
  with?: Record<string, Expr>;
}

export interface RetrySpec {
  maximumAttempts?: number;
  initialInterval?: DurationLiteral;
  backoffCoefficient?: number;
  maximumInterval?: DurationLiteral;
}

/** Per-process search-attribute fields that map onto pre-registered Temporal search attributes. */
export const INDEX_FIELDS = ['priority', 'category', 'owner', 'customer', 'amount'] as const;
export type IndexField = (typeof INDEX_FIELDS)[number];

/** A definition together with the definitions of the child processes it invokes, recursively. */
export interface DefinitionBundle {
  definition: ProcessDefinition;
  /** sha256 of the canonical JSON of `definition` (hex). */
  hash: string;
  /** Child process id → its bundle. */
  children?: Record<string, DefinitionBundle>;
}
