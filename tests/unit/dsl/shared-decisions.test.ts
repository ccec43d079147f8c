/**
 * `uses:` — shared decision files merged into a definition when it is loaded (the escalation
 * ladder that complaint and refund approval share). The merged definition is self-contained and
 * its hash covers the shared tables; problems in a shared file are placed in that file.
 */
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic, loadDefinitionFile, validateFiles } from '../../../dsl';
import { evaluateIn } from '../../../compiler/expressions';
import type { DecisionRule } from '../../../dsl/types';

const definition = (extra = '') => `process: ticket
title: Ticket
roles: [agent, lead, supervisor, manager]
uses: [shared/ladder.yaml]
context:
  heldBy: '"agent"'
${extra}initial: open
states:
  open:
    after:
      - delay: decide.levelDeadline
        target: open
        assign:
          heldBy: decide.escalateTo
    on:
      DONE: closed
  closed:
    type: final
    outcome: closed
events:
  DONE:
    by: [agent, lead, supervisor, manager]
`;

const ladder = (deadline = '2h') => `title: Ladder
decisions:
  escalateTo:
    - when: context.heldBy == "agent"
      then: lead
    - then: manager
  levelDeadline:
    - when: context.heldBy == "agent"
      then: ${deadline}
    - then: 1d
`;

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'docket-uses-'));
  mkdirSync(join(dir, 'shared'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const problems = async (file: string) => (await loadDefinitionFile(file)).diagnostics.map(formatDiagnostic);

describe('uses: shared decision files', () => {
  it('merges the shared tables into decisions and drops uses, so the loaded definition is self-contained', async () => {
    const dir = workspace({ 'ticket.yaml': definition(), 'shared/ladder.yaml': ladder() });
    const { definition: def, diagnostics } = await loadDefinitionFile(join(dir, 'ticket.yaml'));
    expect(diagnostics).toEqual([]);
    expect(def?.uses).toBeUndefined();
    expect(def?.decisions?.escalateTo).toEqual([{ when: 'context.heldBy == "agent"', then: 'lead' }, { then: 'manager' }]);
    expect((def?.decisions?.levelDeadline as DecisionRule[] | undefined)?.[0]).toEqual({ when: 'context.heldBy == "agent"', then: '2h' });
    // The engine reads them like the definition's own tables.
    const scope = (heldBy: string) => ({ input: {}, context: { heldBy }, now: 0 });
    expect(evaluateIn(def!, 'decide.escalateTo', scope('agent'))).toBe('lead');
    expect(evaluateIn(def!, 'decide.escalateTo', scope('lead'))).toBe('manager');
    expect(evaluateIn(def!, 'decide.levelDeadline', scope('agent'))).toBe('2h');
  });

  it('gives a new hash when the shared file changes, so cases pin the ladder they started with', async () => {
    const dir = workspace({ 'ticket.yaml': definition(), 'shared/ladder.yaml': ladder('2h') });
    const before = (await loadDefinitionFile(join(dir, 'ticket.yaml'))).hash;
    writeFileSync(join(dir, 'shared/ladder.yaml'), ladder('30m'));
    const after = (await loadDefinitionFile(join(dir, 'ticket.yaml'))).hash;
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
  });

  it('names a shared file that does not exist at its place in the uses list', async () => {
    const dir = workspace({ 'ticket.yaml': definition() });
    const [only, ...rest] = await problems(join(dir, 'ticket.yaml'));
    expect(rest).toEqual([]);
    expect(only).toBe(
      `${join(dir, 'ticket.yaml')}:4:8: uses[0]: shared file "shared/ladder.yaml" (${join(dir, 'shared/ladder.yaml')}): file not found; paths are relative to this definition's directory`,
    );
  });

  it('places a bad rule in the shared file, saying which definition used it', async () => {
    const broken = ladder().replace('context.heldBy == "agent"\n      then: lead', 'context.heldBy == \n      then: lead');
    const dir = workspace({ 'ticket.yaml': definition(), 'shared/ladder.yaml': broken });
    const [only, ...rest] = await problems(join(dir, 'ticket.yaml'));
    expect(rest).toEqual([]);
    expect(only).toMatch(
      new RegExp(
        `^${escape(join(dir, 'shared/ladder.yaml'))}:4:30: decisions\\.escalateTo\\[0\\]\\.when: invalid expression .*\\(as used by ${escape(join(dir, 'ticket.yaml'))}\\)$`,
      ),
    );
  });

  it('refuses keys other than title, description and decisions in a shared file, and nested uses', async () => {
    const dir = workspace({ 'ticket.yaml': definition(), 'shared/ladder.yaml': `uses: [other.yaml]\nstates: {}\n${ladder()}` });
    expect(await problems(join(dir, 'ticket.yaml'))).toEqual([
      `${join(dir, 'shared/ladder.yaml')}:1:1: uses: unknown key "uses": shared files cannot use other files; list every file in the definition`,
      `${join(dir, 'shared/ladder.yaml')}:2:1: states: unknown key "states": a shared file may only have title, description, decisions`,
    ]);
  });

  it('refuses the same decision from two shared files', async () => {
    const dir = workspace({
      'ticket.yaml': definition().replace('uses: [shared/ladder.yaml]', 'uses: [shared/ladder.yaml, shared/copy.yaml]'),
      'shared/ladder.yaml': ladder(),
      'shared/copy.yaml': ladder('5m'),
    });
    const found = await problems(join(dir, 'ticket.yaml'));
    expect(found).toEqual([
      `${join(dir, 'shared/copy.yaml')}:3:3: decisions.escalateTo: decision "escalateTo" is also defined in "shared/ladder.yaml", used by the same definition; rename one`,
      `${join(dir, 'shared/copy.yaml')}:7:3: decisions.levelDeadline: decision "levelDeadline" is also defined in "shared/ladder.yaml", used by the same definition; rename one`,
    ]);
  });

  it('refuses a uses entry that is not a YAML path', async () => {
    const dir = workspace({ 'ticket.yaml': definition().replace('uses: [shared/ladder.yaml]', 'uses: [42]') });
    expect(await problems(join(dir, 'ticket.yaml'))).toEqual([
      `${join(dir, 'ticket.yaml')}:4:8: uses[0]: 42 is not a YAML file path; give a path ending in .yaml, relative to this definition's directory`,
    ]);
  });
});

it('explains that a shared file is not a process when it is validated on its own', async () => {
  const dir = workspace({ 'shared/ladder.yaml': ladder() });
  expect(await problems(join(dir, 'shared/ladder.yaml'))).toEqual([
    `${join(dir, 'shared/ladder.yaml')}:1:1: this is a shared decision file (only title, description, decisions), not a process; it is checked with each definition that lists it under \`uses:\`, so validate those`,
  ]);
});

describe('docket validate on a shared file', () => {
  it('validates the definitions that use it, with the shared tables merged in', async () => {
    const dir = workspace({
      'ticket.yaml': definition(),
      'shared/ladder.yaml': ladder(),
      'other.yaml': definition()
        .replace('process: ticket', 'process: other')
        .replace('uses: [shared/ladder.yaml]\n', '')
        .replace(/decide\.\w+/g, '"1h"'),
    });
    const report = await validateFiles([join(dir, 'shared/ladder.yaml')]);
    expect(report.files.map((f) => [f.file, f.ok, f.usedBy ?? f.process])).toEqual([
      [join(dir, 'shared/ladder.yaml'), true, [join(dir, 'ticket.yaml')]],
      [join(dir, 'ticket.yaml'), true, 'ticket'],
    ]);
  });

  it('reports a problem in the shared file once per definition that uses it', async () => {
    const dir = workspace({
      'ticket.yaml': definition(),
      'shared/ladder.yaml': ladder().replace('context.heldBy == "agent"\n      then: lead', 'context.heldBy = "agent"\n      then: lead'),
    });
    const report = await validateFiles([join(dir, 'shared/ladder.yaml')]);
    expect(report.files.map((f) => f.ok)).toEqual([true, false]);
    expect(report.files[1].diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(
        new RegExp(`^${escape(join(dir, 'shared/ladder.yaml'))}:\\d+:\\d+: .*\\(as used by ${escape(join(dir, 'ticket.yaml'))}\\)$`),
      ),
    ]);
  });

  it('says so when no definition uses it', async () => {
    const dir = workspace({ 'shared/ladder.yaml': ladder() });
    const report = await validateFiles([join(dir, 'shared/ladder.yaml')]);
    expect(report.files[0].diagnostics.map(formatDiagnostic)).toEqual([
      `${join(dir, 'shared/ladder.yaml')}:1:1: a shared decision file that no definition in ${join(dir, 'shared')} or the directory above lists under \`uses:\`; use it from a definition, or delete it`,
    ]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
