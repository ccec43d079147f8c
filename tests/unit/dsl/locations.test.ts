/** Diagnostics point at the place in the YAML an author has to change. */
import { loadDefinitionText, type Diagnostic } from '../../../dsl';

const at = (d: Diagnostic) => `${d.code} ${d.line}:${d.column} ${d.path}`;

const base = (state: string) => `process: p
title: P
roles: [agent]
events:
  GO:
    by: [agent]
initial: open
states:
  open:
${state}
  closed:
    type: final
    outcome: done
`;

describe('diagnostic locations', () => {
  it('points into a double-quoted expression at the problem', () => {
    const { diagnostics } = loadDefinitionText(
      base(`    on:\n      GO:\n        target: closed\n        if: "input.a > 1 && contxt.b"`),
      'f.yaml',
    );
    // The quote is at column 13, so the expression starts at 14 and `contxt`, 15 characters in, at 29.
    expect(diagnostics.map(at)).toEqual(['UNKNOWN_VARIABLE 13:29 states.open.on.GO.if']);
  });

  it('points into a literal block expression at the right line', () => {
    const state = `    on:\n      GO: closed\n    entry:\n      - log: |\n          "opened " +\n            decide.missing`;
    const { diagnostics } = loadDefinitionText(base(state), 'f.yaml');
    expect(diagnostics.map(at)).toEqual(['UNKNOWN_DECISION 15:13 states.open.entry[0].log']);
  });

  it('points at the parent mapping for a missing key', () => {
    // A timer needs `delay` or `at` (issue 13): missing both is reported on the entry itself.
    const { diagnostics } = loadDefinitionText(base(`    on:\n      GO: closed\n    after:\n      - target: closed`), 'f.yaml');
    expect(diagnostics.map(at)).toEqual(['INVALID_TIMER 13:9 states.open.after[0]']);
  });

  it('collects every problem in one run, in file order', () => {
    const state = `    descripton: x\n    on:\n      GOO: closd\n      GO:\n        target: closed\n        by: [agnet]`;
    const { diagnostics } = loadDefinitionText(base(state), 'f.yaml');
    expect(diagnostics.map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`)).toEqual([
      'UNKNOWN_KEY 10:5 unknown key "descripton" (did you mean "description"?)',
      'UNDECLARED_EVENT 12:7 event "GOO" is not declared in events (did you mean "GO"?)',
      'UNKNOWN_TARGET 12:12 unknown state "closd" (did you mean "closed"?)',
      'UNKNOWN_ROLE 15:14 unknown role "agnet" in states.open.on.GO.by (did you mean "agent"? declared roles: agent)',
    ]);
  });

  it('suggests the dotted path for a nested state named bare from outside', () => {
    const text = `process: p
title: P
roles: [agent]
events:
  GO:
    by: [agent]
initial: open
states:
  open:
    on:
      GO: waiting
  review:
    initial: waiting
    states:
      waiting:
        on:
          GO: closed
  closed:
    type: final
    outcome: done
`;
    const { diagnostics } = loadDefinitionText(text, 'f.yaml');
    expect(diagnostics.map((d) => d.message)).toEqual([
      // One typo, one error: the states the meant target reaches are not also reported unreachable.
      'unknown state "waiting" (did you mean "review.waiting"? nested states are named by their dotted path)',
    ]);
  });
});
