/**
 * A parent passes a parameter (its approval threshold) to a child through the child's declared
 * input, and validate checks the value's type against the child's schema where CEL knows it
 * (dsl/check-child-input-types.ts, issue 13 item 6).
 */
import { checkChildInputs } from '../../../dsl/check-child-input';
import { unlocated } from '../../../dsl/diagnostics';
import type { JsonRecord } from '../../../dsl/json-shape';
import { createReporter } from '../../../dsl/reporter';
import type { ProcessDefinition } from '../../../dsl/types';

const approval = {
  process: 'approval',
  input: {
    type: 'object',
    required: ['amount'],
    properties: { amount: { type: 'number' }, threshold: { type: 'number' }, reason: { type: 'string' }, urgent: { type: 'boolean' } },
  },
} as unknown as ProcessDefinition;

function problems(withInput: Record<string, string>): string[] {
  const parent = {
    states: { approving: { invoke: { process: 'approval', with: withInput, onDone: 'done' } }, done: { type: 'final' } },
  } as unknown as JsonRecord;
  const reporter = createReporter(unlocated());
  checkChildInputs(parent, (id) => (id === 'approval' ? approval : undefined), reporter);
  return reporter.diagnostics.map((d) => `${d.path}: ${d.message}`);
}

it('accepts a threshold the parent passes as a number, and values only known at run time', () => {
  expect(problems({ amount: 'input.amount', threshold: '5000', reason: '"damaged"', urgent: 'input.amount > 1000' })).toEqual([]);
  expect(problems({ amount: 'input.amount', threshold: 'decide.threshold', reason: 'context.reason' })).toEqual([]);
  expect(problems({ amount: 'input.amount', threshold: '4999.5' })).toEqual([]);
});

it('refuses a quoted number for a number, naming the key, the type and the fix', () => {
  expect(problems({ amount: 'input.amount', threshold: '"5000"' })).toEqual([
    'states.approving.invoke.with.threshold: child process "approval" takes input "threshold" as number, but `"5000"` gives a string; write the number without quotes: `5000`',
  ]);
});

it('refuses a number or a comparison for a string or a boolean', () => {
  expect(problems({ amount: 'input.amount', reason: '42', urgent: '"yes"' })).toEqual([
    'states.approving.invoke.with.reason: child process "approval" takes input "reason" as string, but `42` gives a whole number; quote a text inside the YAML value (\'"…"\') or convert it: `string(42)`',
    'states.approving.invoke.with.urgent: child process "approval" takes input "urgent" as boolean, but `"yes"` gives a string',
  ]);
});
