/**
 * One fixture per diagnostic code under tests/fixtures/invalid, named after the code. Each must
 * produce exactly that one diagnostic, at that place, with that message (did-you-mean included):
 * these are the words a process author reads.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIVITY_NAMES } from '../../../activities/catalog';
import { CEL_VARIABLES, DIAGNOSTIC_CODES, formatDiagnostic, loadDefinitionFile, type DiagnosticCode } from '../../../dsl';

const INVALID = join(__dirname, '..', '..', 'fixtures', 'invalid');
const VALID = join(__dirname, '..', '..', 'fixtures', 'valid');

type Expected = [code: DiagnosticCode, at: string, path: string, message: string];

const EXPECTED: Record<string, Expected> = {
  'empty-file.yaml': ['EMPTY_FILE', '1:1', '', 'the file is empty; a definition needs process, title, roles, initial and states'],
  'yaml-syntax.yaml': [
    'YAML_SYNTAX',
    '4:1',
    '',
    'flow sequence in block collection must be sufficiently indented and end with a ] (BAD_INDENT)',
  ],
  'duplicate-key.yaml': [
    'DUPLICATE_KEY',
    '9:7',
    'states.open.on.DONE',
    'duplicate key "DONE": each key may appear once in a mapping; merge the entries or rename one',
  ],
  'nested-too-deep.yaml': [
    'NESTED_TOO_DEEP',
    '3:108',
    '',
    'nested more than 100 levels deep here; a definition never needs that, so the file is not read further',
  ],
  'alias-limit.yaml': [
    'ALIAS_LIMIT',
    '3:8',
    '',
    'too many alias expansions (over 100), as in a "billion laughs" attack; write the values out instead of nesting aliases',
  ],
  'not-a-mapping.yaml': ['NOT_A_MAPPING', '2:1', '', 'the top level must be a mapping of keys (process: …, title: …), got a list'],
  'unknown-key.yaml': ['UNKNOWN_KEY', '10:5', 'states.open.descripton', 'unknown key "descripton" (did you mean "description"?)'],
  'missing-key.yaml': ['MISSING_KEY', '1:1', '', 'missing required key "title"'],
  'wrong-type.yaml': ['WRONG_TYPE', '5:13', 'context.attempts', 'must be a CEL expression (a string), got the number 0; quote it: "0"'],
  'invalid-value.yaml': [
    'INVALID_VALUE',
    '13:11',
    'states.closed.type',
    'must be "parallel" or "final", got "finall" (did you mean "final"?)',
  ],
  'invalid-name.yaml': [
    'INVALID_NAME',
    '17:11',
    'states.closed.entry[0].assign.closed-at',
    'invalid context key "closed-at": use letters, digits and _, not starting with a digit, e.g. "closed_at"',
  ],
  'invalid-process-id.yaml': [
    'INVALID_PROCESS_ID',
    '1:10',
    'process',
    'invalid process id "Refund_Request": use kebab-case, e.g. "refund-request"',
  ],
  'definition-too-large.yaml': [
    'DEFINITION_TOO_LARGE',
    '105:131',
    'states.l1.states.l2.states.l3.states.l4.states.l5.states.l6.states.l7.states.l8.states.l9.states.l10.states.l11.states.l12.states.l13.states.l14.states.l15.states.l16.states.l17.states.l18.states.l19.states.l20.states.l21.states.l22.states.l23.states.l24.states.l25.states.l26.states.l27.states.l28.states.l29.states.l30.states.l31.states.l32.states.l33',
    'states are nested more than 32 levels deep here; the engine supports at most 32',
  ],
  'invalid-duration.yaml': [
    'INVALID_DURATION',
    '12:16',
    'states.notifying.invoke.timeout',
    'invalid duration "30 seconds" (did you mean "30s"?): write a number and a unit (ms, s, m, h, d) with no space, combined like 1h30m',
  ],
  'invalid-invoke.yaml': [
    'INVALID_INVOKE',
    '8:7',
    'states.working.invoke',
    'invoke has both "activity" and "process"; keep one (an invoke runs one thing)',
  ],
  'invalid-data-schema.yaml': [
    'INVALID_DATA_SCHEMA',
    '7:29',
    'input.properties.amount.minimun',
    'unknown JSON Schema keyword "minimun" (did you mean "minimum"?)',
  ],
  'unknown-target.yaml': [
    'UNKNOWN_TARGET',
    '14:17',
    'states.lead_review.on.APPROVE.target',
    'unknown state "aproved" (did you mean "approved"?)',
  ],
  'unknown-initial.yaml': ['UNKNOWN_INITIAL', '7:10', 'initial', 'unknown state "opne" (did you mean "open"?)'],
  'missing-initial.yaml': [
    'MISSING_INITIAL',
    '9:3',
    'states.handling',
    'state "handling" has child states but no initial; add initial: first_contact (or type: parallel)',
  ],
  'initial-not-allowed.yaml': [
    'INITIAL_NOT_ALLOWED',
    '10:14',
    'states.open.initial',
    'state "open" has no child states to start in; remove initial or add states',
  ],
  'empty-parallel.yaml': [
    'EMPTY_PARALLEL',
    '10:11',
    'states.open.type',
    'parallel state "open" has no child states; add one state per region under states',
  ],
  'invalid-final-state.yaml': [
    'INVALID_FINAL_STATE',
    '17:5',
    'states.closed.on',
    'final state "closed" cannot have on; a final state ends its process or region',
  ],
  'unreachable-state.yaml': [
    'UNREACHABLE_STATE',
    '12:3',
    'states.forgotten',
    'state "forgotten" can never be entered: no transition or initial leads to it; add one or delete the state',
  ],
  'dead-end.yaml': [
    'DEAD_END',
    '15:3',
    'states.parked',
    'state "parked" has no way out: add a transition with a target (on, after, always or invoke onDone/onError) or make it type: final',
  ],
  'undeclared-event.yaml': [
    'UNDECLARED_EVENT',
    '11:7',
    'states.open.on.APROVE',
    'event "APROVE" is not declared in events (did you mean "APPROVE"?)',
  ],
  'reserved-event.yaml': [
    'RESERVED_EVENT',
    '12:7',
    'states.open.on["xstate.init"]',
    'event name "xstate.init" is reserved for the engine (xstate.*); use another name',
  ],
  'unknown-role.yaml': [
    'UNKNOWN_ROLE',
    '8:16',
    'events.ESCALATE.by[1]',
    'unknown role "supervsor" in events.ESCALATE.by (did you mean "supervisor"? declared roles: agent, lead, supervisor)',
  ],
  'role-not-allowed.yaml': [
    'ROLE_NOT_ALLOWED',
    '13:14',
    'states.open.on.APPROVE.by[0]',
    'role "agent" may not send APPROVE (events.APPROVE.by: lead); add it there or remove it here',
  ],
  'by-without-event.yaml': [
    'BY_WITHOUT_EVENT',
    '10:9',
    'states.open.after[0].by',
    '"by" only applies to event transitions (under on); remove it from this after transition',
  ],
  'invalid-expression.yaml': [
    'INVALID_EXPRESSION',
    '12:29',
    'states.open.on.DONE[0].if',
    'invalid expression `input.amount >`: the expression ends too early: something is missing after `input.amount >`',
  ],
  'unknown-variable.yaml': [
    'UNKNOWN_VARIABLE',
    '14:33',
    'states.open.on.DONE.assign.note',
    `unknown variable "evnt" in expression (did you mean "event"? expressions may use ${CEL_VARIABLES.join(', ')})`,
  ],
  'unknown-decision.yaml': [
    'UNKNOWN_DECISION',
    '21:13',
    'index.priority',
    'unknown decision "decide.priorty" (did you mean "decide.priority"?)',
  ],
  'invalid-delay.yaml': [
    'INVALID_DELAY',
    '8:16',
    'states.open.after[0].delay',
    'delay "4 hours" is not a duration (did you mean "4h"?): write a number and a unit (ms, s, m, h, d) with no space, like 4h, 90s or 1h30m',
  ],
  'unknown-activity.yaml': [
    'UNKNOWN_ACTIVITY',
    '8:17',
    'states.notifying.invoke.activity',
    `unknown activity "notfy" (did you mean "notify"? activities: ${ACTIVITY_NAMES.join(', ')})`,
  ],
  'missing-activity-input.yaml': [
    'MISSING_ACTIVITY_INPUT',
    '9:7',
    'states.notifying.invoke.with',
    'activity "notify" needs with.subject (it requires: to, subject)',
  ],
  'outcome-not-final.yaml': [
    'OUTCOME_NOT_FINAL',
    '10:5',
    'states.open.outcome',
    'state "open" is not final, so its outcome is never reported; add type: final or remove outcome',
  ],
  'missing-outcome.yaml': [
    'MISSING_OUTCOME',
    '12:3',
    'states.closed',
    'final state "closed" needs an outcome (the case result, e.g. outcome: closed)',
  ],
  'decision-conflict.yaml': [
    'DECISION_CONFLICT',
    '6:3',
    'decisions.priority',
    'decision "priority" is also defined in the shared file "../shared/priority-rules.yaml"; remove it here, or rename one (a shared table is never silently overridden)',
  ],
  'invalid-join.yaml': [
    'INVALID_JOIN',
    '21:5',
    'states.checking.onDone',
    'parallel state "checking" is done only when every region reaches a final state, and region "credit" has none; add a type: final state to it',
  ],
  'output-not-final.yaml': [
    'OUTPUT_NOT_FINAL',
    '12:5',
    'states.open.output',
    'state "open" is not final, so its output is never handed on; add type: final or remove output',
  ],
  'invalid-compensation.yaml': [
    'INVALID_COMPENSATION',
    '22:5',
    'states.withdrawn.compensate',
    'final state "withdrawn" runs compensations, but no invoke declares one; add compensate: to the invoke whose effect must be undone, or remove this',
  ],
  'unreachable-rule.yaml': [
    'UNREACHABLE_RULE',
    '6:7',
    'decisions.priority[0]',
    'rule 1 of decision "priority" has no "when", so it always matches and the rule after it can never match; move it last or add a when',
  ],
  'unknown-context-key.yaml': [
    'UNKNOWN_CONTEXT_KEY',
    '14:15',
    'states.open.on.DONE[0].if',
    'context key "atempts" is never set: did you mean "context.attempts"? declare it under context (or assign it) first; declared keys: attempts',
  ],
  'decision-overlap.yaml': [
    'DECISION_OVERLAP',
    '10:15',
    'decisions.approver.rules[1].when',
    'rules 1 and 2 of decision "approver" both match input.amount = 1000; its hit policy is unique, so such a case would fail with DECISION_NOT_UNIQUE; make the conditions exclusive (e.g. <= on one, > on the other) or use hit: first',
  ],
  'decision-gap.yaml': [
    'DECISION_GAP',
    '5:3',
    'decisions.approver',
    'no rule of decision "approver" matches input.amount = 1000, so decide.approver is null there; add a rule that covers it, or end the table with a default rule (only "then")',
  ],
  'unknown-decision-output.yaml': [
    'UNKNOWN_DECISION_OUTPUT',
    '14:10',
    'index.owner',
    'decision "route" has no output "aprover" (did you mean "decide.route.approver"?): its rules give approver, limit; read one of those or add the field to every rule\'s then',
  ],
  'decision-cycle.yaml': [
    'DECISION_CYCLE',
    '6:13',
    'decisions.limit[0].when',
    'decisions read each other in a cycle: decide.limit → decide.tier → decide.limit; no order can evaluate them, so make one of them read input or context instead',
  ],
  'not-a-duration.yaml': [
    'NOT_A_DURATION',
    '8:13',
    'decisions.responseDeadline[1].then',
    'rule 2 of decision "responseDeadline" gives "5 secs", which is not a duration (did you mean "5s"?) (decide.responseDeadline is used as a delay at open.after[0].delay); write a number and a unit (ms, s, m, h, d), e.g. 4h or 1h30m',
  ],
  'bare-number-delay.yaml': [
    'BARE_NUMBER_DELAY',
    '8:16',
    'states.open.after[0].delay',
    'delay "48" has no unit: did you mean 48s or 48h? (a number alone would be 48 milliseconds; write "48ms" if that is meant)',
  ],
  'invalid-timer.yaml': [
    'INVALID_TIMER',
    '10:9',
    'states.open.after[0].at',
    'timer has both "delay" and "at"; keep one: "delay" waits a duration from entering the state, "at" waits until a time',
  ],
  'at-not-a-time.yaml': [
    'AT_NOT_A_TIME',
    '9:13',
    'states.open.after[0].at',
    'at `duration("24h")` gives a CEL duration, not a time; a span is a delay: write it as `delay: millis(duration("24h"))`, or add it to a time: `now + millis(duration("24h"))`',
  ],
  'time-not-storable.yaml': [
    'TIME_NOT_STORABLE',
    '9:15',
    'context.occurredAt',
    '`timestamp(input.occurredAt)` gives a CEL timestamp, which is not JSON and would be stored as {}; store milliseconds: `millis(timestamp(input.occurredAt))` (compare with now, or use as a delay)',
  ],
  'endless-loop.yaml': [
    'ENDLESS_LOOP',
    '13:13',
    'states.ping.always',
    'states ping → pong → ping lead into each other at once (always transitions without a condition), so a case entering them never stops; add a condition (if:), wait for an event, or give a delay',
  ],
  'guard-not-boolean.yaml': [
    'GUARD_NOT_BOOLEAN',
    '14:15',
    'states.open.on.DONE[0].if',
    'condition `size(input.items)` gives a whole number, not true or false; compare it, e.g. `size(input.items) > 0`',
  ],
  'index-field-unavailable.yaml': [
    'INDEX_FIELD_UNAVAILABLE',
    '11:3',
    'index.region',
    'index field "region" has no search attribute: docket registers 5 index attributes, so a definition indexes at most 5 fields, named priority, category, owner, customer, amount; use one of them or keep the value in context',
  ],
};

/** Codes about files rather than their content, tested in hostile-files and validate-files tests. */
const TESTED_ELSEWHERE: DiagnosticCode[] = [
  'FILE_NOT_FOUND',
  'FILE_UNREADABLE',
  'FILE_TOO_LARGE',
  'NOT_TEXT',
  'LOAD_FAILED',
  'DUPLICATE_PROCESS_ID',
  'CHILD_INPUT_MISMATCH',
];

const kebab = (code: string) => code.toLowerCase().replace(/_/g, '-');

describe('invalid fixtures', () => {
  it.each(Object.entries(EXPECTED))('%s reports exactly its diagnostic, located and explained', async (name, [code, at, path, message]) => {
    const file = join(INVALID, name);
    const { definition, diagnostics } = await loadDefinitionFile(file);
    expect(definition).toBeUndefined();
    expect(diagnostics.map((d) => ({ code: d.code, at: `${d.line}:${d.column}`, path: d.path, message: d.message }))).toEqual([
      { code, at, path, message },
    ]);
    expect(formatDiagnostic(diagnostics[0])).toBe(`${file}:${at}: ${path ? `${path}: ` : ''}${message}`);
  });

  it('has one fixture per diagnostic code, named after it', () => {
    const fixtures = readdirSync(INVALID)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    expect(fixtures).toEqual(Object.keys(EXPECTED).sort());
    for (const [name, [code]] of Object.entries(EXPECTED)) expect(name).toBe(`${kebab(code)}.yaml`);
    const covered = new Set<string>([...Object.values(EXPECTED).map(([code]) => code), ...TESTED_ELSEWHERE]);
    expect(Object.keys(DIAGNOSTIC_CODES).filter((code) => !covered.has(code))).toEqual([]);
  });
});

describe('valid fixtures', () => {
  it.each(readdirSync(VALID).filter((f) => f.endsWith('.yaml')))('%s loads with no diagnostics and a hash', async (name) => {
    const { definition, hash, diagnostics } = await loadDefinitionFile(join(VALID, name));
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(definition?.process).toBe(name.replace(/\.yaml$/, ''));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
