/**
 * What the loader and validator report: one shape for every problem, printed like a compiler's
 * `file:line:col: path: message`, each with a code from a closed list and advice on what to do.
 *
 *   definitions/refund.yaml:14:9: states.lead_review.on.APPROVE.target: unknown state "aproved" (did you mean "approved"?)
 */

import { INDEX_FIELDS } from './types';

/** Every diagnostic code, with a one-line "what to do" (docs/error-codes.md prints this table). */
export const DIAGNOSTIC_CODES = {
  // Reading the file
  FILE_NOT_FOUND: 'Check the path; a directory argument validates every *.yaml and *.yml file in it.',
  FILE_UNREADABLE:
    'The path exists but cannot be read as a file (a directory inside a directory, or no permission); fix the path or its permissions.',
  FILE_TOO_LARGE: 'Definitions are limited to 1 MiB; split large processes into child processes (`invoke.process`).',
  NOT_TEXT: 'Save the file as UTF-8 text; it contains NUL bytes or byte sequences that are not UTF-8.',
  EMPTY_FILE: 'Write a definition: at least `process`, `title`, `roles`, `initial` and `states`.',
  YAML_SYNTAX: 'Fix the YAML at the reported position (indentation, unclosed brackets or quotes, one document per file).',
  DUPLICATE_KEY: 'Each key may appear once in a mapping; merge the two entries or rename one.',
  NESTED_TOO_DEEP: 'Brackets or list markers nest more than 100 levels deep; flatten the structure.',
  ALIAS_LIMIT: 'The file expands too many YAML aliases (*name); write the values out instead of nesting aliases.',
  NOT_A_MAPPING: 'The top level of a definition must be a mapping of keys (`process: …`, `title: …`), not a list or a single value.',
  LOAD_FAILED: 'The file could not be processed; simplify the reported part and report the problem if it persists.',
  // Shape (the JSON Schema, schema/process.schema.json)
  UNKNOWN_KEY: 'Remove the key or fix its spelling; the message lists the keys allowed there.',
  MISSING_KEY: 'Add the required key named in the message.',
  WRONG_TYPE: 'Give a value of the type named in the message; CEL expressions are strings, so quote literals like "0".',
  INVALID_VALUE: 'Use one of the allowed values or respect the stated limit.',
  INVALID_NAME: 'State names, context keys and decisions use letters, digits and _; event names use UPPER_SNAKE_CASE.',
  INVALID_PROCESS_ID: 'Process ids are kebab-case: lower-case letters, digits and -, starting with a letter (`refund-request`).',
  INVALID_DURATION: 'Write a duration literal: a number and a unit (ms, s, m, h, d), combined like 1h30m.',
  INVALID_INVOKE: 'An invoke runs exactly one thing: give either `activity` or `process`, not both and not neither.',
  DEFINITION_TOO_LARGE:
    'The definition is beyond what the engine supports (2000 states, states nested 32 deep); split it into child processes (`invoke.process`).',
  INVALID_DATA_SCHEMA:
    '`input` and `events.*.data` must be valid JSON Schemas (as ajv reads them, the way the engine checks payloads); fix the keyword named.',
  // Meaning
  UNKNOWN_TARGET:
    'Target a sibling state, a sibling of an ancestor, a top-level state, or a dotted path from the root (`review.approved`).',
  UNKNOWN_INITIAL: '`initial` must name one of the states directly under it.',
  MISSING_INITIAL: 'A state with child `states` needs `initial` naming the child to enter first (or `type: parallel`).',
  INITIAL_NOT_ALLOWED: 'Remove `initial`: parallel states enter all children, and states without children have nothing to start.',
  EMPTY_PARALLEL: 'A `type: parallel` state needs child `states`, one per region that runs at the same time.',
  INVALID_FINAL_STATE: 'A `type: final` state ends its process or region: remove its child states and transitions.',
  UNREACHABLE_STATE: 'Add a transition that leads to the state, or delete it.',
  DEAD_END: 'Add a transition with a target (on, after, always or invoke onDone/onError), or mark the state `type: final`.',
  ENDLESS_LOOP:
    'States that lead into each other at once (always without a condition, or after 0 ms) never stop: add a condition, wait for an event, or give a delay.',
  UNDECLARED_EVENT: 'Declare the event under `events` with the roles that may send it, or fix the spelling.',
  RESERVED_EVENT: 'Event names starting with `xstate.` belong to the engine; choose another name.',
  UNKNOWN_ROLE: 'Add the role to `roles`, or fix the spelling.',
  ROLE_NOT_ALLOWED: "A transition's `by` may only narrow the event's `by`; add the role to the event or remove it here.",
  BY_WITHOUT_EVENT: '`by` restricts who sends an event; remove it from always, after and invoke transitions.',
  INVALID_EXPRESSION: 'Fix the CEL expression at the reported position; remember strings need quotes inside the expression.',
  UNKNOWN_VARIABLE: 'Use only the variables the engine provides (the message lists them), or fix the spelling.',
  UNKNOWN_DECISION: 'Declare the decision under `decisions`, or fix the name after `decide.`.',
  INVALID_DELAY: 'Write a duration literal (4h, 90s, 1h30m) or a CEL expression giving one or a number of milliseconds.',
  UNKNOWN_CONTEXT_KEY:
    'Declare the key under `context` (or set it with an `assign`) before an expression reads it, or fix the spelling; `has(context.key)` may test any key.',
  DECISION_CYCLE: 'Decisions may read decisions, but not in a circle: make one decision of the named cycle read input or context instead.',
  NOT_A_DURATION:
    'A delay (and every rule of a decision used as one) must give a duration literal like 4h or 1h30m, or a number of milliseconds from an expression; end such a table with a default rule.',
  INVALID_TIMER: 'An `after` entry waits either for a `delay` (a duration) or until a time `at:`; give exactly one of the two.',
  AT_NOT_A_TIME:
    '`at:` must give a time: a CEL timestamp (`timestamp(input.promisedBy)`), epoch milliseconds (`context.callBefore`) or an RFC 3339 string.',
  BARE_NUMBER_DELAY: 'A number alone as a delay would be milliseconds: write the unit (48s, 48h, or 48ms if that is meant).',
  GUARD_NOT_BOOLEAN:
    'A condition (`if`) must give true or false: compare the value (`> 0`, `!= ""`), and give only true/false in a decision used as one, ending with a default rule.',
  TIME_NOT_STORABLE:
    'Context, assignments, invocation input, index and log values must be JSON: store a time or a span as milliseconds with millis(…), e.g. millis(timestamp(input.occurredAt)).',
  CHILD_INPUT_MISMATCH:
    "A child process's `with` must give every key its input schema requires, no key it does not allow, and values of the types it declares (where CEL knows them); fix the keys named.",
  UNKNOWN_ACTIVITY: 'Use an activity from the catalog (activities/catalog.ts), or fix the spelling.',
  MISSING_ACTIVITY_INPUT: 'Add the keys the activity requires under `invoke.with`.',
  OUTCOME_NOT_FINAL: 'Only `type: final` states report an outcome; move it to the final state or remove it.',
  MISSING_OUTCOME: 'Give every top-level final state an `outcome` (the case result, e.g. `resolved`).',
  DECISION_CONFLICT:
    'A decision comes from one place: the definition or one file of its `uses:` list. Remove or rename one of the two tables.',
  UNREACHABLE_RULE: 'A rule without `when` always matches: make it the last rule, or add a `when`.',
  DECISION_OVERLAP:
    'Under `hit: unique` at most one rule may match; the message names an input two rules both match. Make their conditions exclusive, or use `hit: first`.',
  DECISION_GAP:
    'An input value (named in the message) matches no rule, so the decision is null there: add a rule that covers it, or end the table with a default rule (only `then`).',
  UNKNOWN_DECISION_OUTPUT: "Read a field the decision's rules give (`decide.<name>.<field>`), or add the field to every rule's `then`.",
  INVALID_JOIN:
    "A state's `onDone` (a join) is taken when it is done: give it child states, with a `type: final` child (compound) or a final state in every region (parallel).",
  OUTPUT_NOT_FINAL: 'Only `type: final` states hand on an `output`; move it to the final state or remove it.',
  INVALID_COMPENSATION:
    '`compensate: true` goes on a top-level final state, and some `invoke` must declare `compensate:` (what undoes its effect) for it to run.',
  INDEX_FIELD_UNAVAILABLE: `An \`index\` field is a pre-registered search attribute: use one of ${INDEX_FIELDS.join(', ')} (the ${INDEX_FIELDS.length} docket registers), or keep the value in \`context\`.`,
  // Across files
  DUPLICATE_PROCESS_ID: 'Each process id may be defined once; rename one of the processes.',
} as const satisfies Record<string, string>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** Where a problem is: 1-based line and column in a file. */
export interface DiagnosticLocation {
  file: string;
  line: number;
  column: number;
}

export interface Diagnostic extends DiagnosticLocation {
  /** Dotted path into the definition, e.g. `states.review.on.APPROVE[1].target`; empty for the whole file. */
  path: string;
  code: DiagnosticCode;
  /** Short and lower-case: what is wrong, naming the value, and what to do. */
  message: string;
  severity: 'error';
}

/** One step into a definition: a mapping key or a list index. */
export type PathSegment = string | number;

export interface LocateOptions {
  /** Point at the key of the last segment rather than its value (unknown keys, bad names). */
  key?: boolean;
  /** Offset inside a string value (a CEL problem's position), when it can be mapped back. */
  offset?: number;
}

/** Maps a path into the definition to a place in its file (the nearest existing ancestor if needed). */
export type Locate = (path: readonly PathSegment[], options?: LocateOptions) => DiagnosticLocation;

/** A Locate for definitions that did not come from a file: every problem at 1:1 of `file`. */
export function unlocated(file = '<definition>'): Locate {
  return () => ({ file, line: 1, column: 1 });
}

/** `file:line:col: path: message` (the path is left out for whole-file problems). */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.path ? `${d.path}: ` : ''}${d.message}`;
}

/** `states.review.on.APPROVE[1].target`; keys that are not plain names are quoted: `on["xstate.init"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Orders diagnostics by file, then position, keeping the order of equal ones. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return list
    .map((d, i) => ({ d, i }))
    .sort((a, b) => cmp(a.d.file, b.d.file) || a.d.line - b.d.line || a.d.column - b.d.column || a.i - b.i)
    .map(({ d }) => d);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
