/**
 * Decision tables with hit policies end to end in `docket test` (the offline simulator, which
 * shares compiler/expressions.ts with the workflow and the audit's re-run): the shipped example
 * docs/examples/claim-routing.yaml covers unique, collect with sum and several outputs; here, a
 * unique table whose overlap validate cannot prove fails the case as DECISION_NOT_UNIQUE.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatLocated } from '../../../scenario/scenario-file';
import { runScenarioFile } from '../../../scenario/run-scenarios';

const dir = mkdtempSync(join(tmpdir(), 'docket-decisions-'));

it('runs the claim-routing example: unique, collect with sum, several outputs, decisions reading decisions', async () => {
  const result = await runScenarioFile(join(__dirname, '..', '..', '..', 'docs', 'examples', 'claim-routing.test.yaml'));
  expect([...result.problems, ...result.scenarios.flatMap((s) => s.failures)].map(formatLocated)).toEqual([]);
  expect(result.scenarios.map((s) => s.passed)).toEqual([true, true, true]);
});

it('fails a case as DECISION_NOT_UNIQUE when two rules of a unique table match, and lists a collect table', async () => {
  writeFileSync(
    join(dir, 'review.yaml'),
    `process: review
title: Review
roles: [agent]
decisions:
  reviewer:
    hit: unique
    rules:
      - when: input.vip
        then: lead
      - when: input.amount > 1000
        then: supervisor
  flags:
    hit: collect
    rules:
      - when: input.vip
        then: vip
      - when: input.amount > 1000
        then: large
  urgent:
    hit: unique
    rules:
      - when: event.data.level > 2
        then: true
      - when: event.data.vip
        then: false
context:
  reviewer: decide.reviewer
  flags: decide.flags
events:
  DONE:
    by: [agent]
  PING:
    by: [agent]
initial: open
states:
  open:
    on:
      DONE: closed
      PING:
        target: closed
        if: decide.urgent == true
  closed:
    type: final
    outcome: done
`,
  );
  const file = join(dir, 'review.test.yaml');
  writeFileSync(
    file,
    `scenarios:
  - name: one rule matches
    input: { vip: false, amount: 5000 }
    steps:
      - expect: { state: open, context: { reviewer: supervisor, flags: [large] } }
  - name: an event whose condition reads a unique table with two matching rules is refused, and the case goes on
    input: { vip: false, amount: 5000 }
    steps:
      - send: PING
        as: agent:ann
        data: { level: 3, vip: true }
        rejected: GUARD_FAILED
      - send: PING
        as: agent:ann
        data: { level: 3, vip: false }
      - expect: { outcome: done }
  - name: two rules match
    input: { vip: true, amount: 5000 }
    steps:
      - expect: { status: failed, failure: DECISION_NOT_UNIQUE }
`,
  );
  const result = await runScenarioFile(file);
  expect([...result.problems, ...result.scenarios.flatMap((s) => s.failures)].map(formatLocated)).toEqual([]);
  expect(result.scenarios.map((s) => s.passed)).toEqual([true, true, true]);
});
