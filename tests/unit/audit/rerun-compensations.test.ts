/**
 * The audit's re-run undoes what a case did exactly as the workflow does: the recorded withdrawn
 * warranty claim lists its two compensations newest first with their recorded results; the rule
 * for when (failed, cancelled, `compensate: true`) and the order are the runtime's own.
 */
import * as path from 'node:path';
import { CompensationStack, type CompensationRequest } from '../../../compiler/compensation';
import { readHistoryFile } from '../../../audit/history-file';
import { rerunCase } from '../../../audit/rerun';
import { compensationsAtEnd } from '../../../audit/rerun-compensations';
import type { ProcessDefinition } from '../../../dsl/types';

const HISTORIES = path.join(__dirname, '..', '..', 'histories');

it('re-runs the withdrawn warranty claim: the notice, then the collection, undone with their recorded results', async () => {
  const run = rerunCase(await readHistoryFile(path.join(HISTORIES, 'warranty-claim-withdrawn.json')));
  expect(run).toMatchObject({ status: 'completed', outcome: 'withdrawn', assumptions: [] });
  expect(run.compensations).toEqual([
    {
      state: 'fulfilling.announcing',
      kind: 'activity',
      name: 'notify',
      compensates: 'notify',
      input: { to: 'cust-909', subject: 'Your refund request was withdrawn' },
      recorded: expect.any(Number),
      status: 'done',
    },
    expect.objectContaining({
      state: 'assessing.inspection.collecting',
      name: 'transferCase',
      status: 'done',
      recorded: expect.any(Number),
    }),
  ]);
  // Run in that order: the notice's compensation was scheduled first.
  expect(run.compensations[0].recorded!).toBeLessThan(run.compensations[1].recorded!);
});

it('re-runs a claim that ended in done: nothing to undo', async () => {
  const run = rerunCase(await readHistoryFile(path.join(HISTORIES, 'warranty-claim-replaced.json')));
  expect(run).toMatchObject({ status: 'completed', outcome: 'replaced', compensations: [] });
});

describe('compensationsAtEnd', () => {
  const def = {
    process: 'p',
    title: 'P',
    roles: ['agent'],
    initial: 'a',
    states: { a: {}, done: { type: 'final' }, undone: { type: 'final', compensate: true } },
  } as unknown as ProcessDefinition;
  const undo = (name: string): CompensationRequest => ({ state: 'a', kind: 'activity', name, input: {}, compensates: `do-${name}` });
  const stack = () => {
    const s = new CompensationStack();
    ['first', 'second'].forEach((n) => s.push(undo(n)));
    return s;
  };
  const recorded = [{ id: 9, kind: 'activity' as const, name: 'second', startedIn: 3, resultIn: 4 }];
  const resultOf = () => ({ kind: 'result' as const, invocation: 9, status: 'failed' as const, error: 'boom' });

  it.each([
    ['failed', ['a']],
    ['cancelled', ['a']],
    ['completed', ['undone']],
  ] as const)('undoes newest first when the case ended %s (in %s)', (end, state) => {
    const { compensations, assumptions } = compensationsAtEnd(stack(), { definition: def, end, state: [...state] }, recorded, resultOf);
    expect(compensations.map((c) => [c.name, c.status, c.recorded])).toEqual([
      ['second', 'failed', 9],
      ['first', 'done', undefined],
    ]);
    expect(assumptions).toEqual(['compensation activity first (undoes do-first of a) has no recorded result: assumed done']);
  });

  it('undoes nothing when the case completed in a final state without compensate: true', () => {
    const s = stack();
    expect(compensationsAtEnd(s, { definition: def, end: 'completed', state: ['done'] }, recorded, resultOf).compensations).toEqual([]);
    expect(s.pending().map((c) => c.name)).toEqual(['first', 'second']);
  });
});
