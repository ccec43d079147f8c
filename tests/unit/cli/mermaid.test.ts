import { toMermaid } from '../../../compiler/mermaid';
import { loadDefinitionFile } from '../../../dsl/load';
import type { ProcessDefinition } from '../../../dsl/types';
import { DEFINITIONS_DIR } from '../../support/test-definitions';

/** A small process with every kind of edge: event, guard, literal and computed delay, invoke, always, nesting. */
const def: ProcessDefinition = {
  process: 'ticket',
  title: 'Ticket',
  roles: ['agent'],
  events: { ACCEPT: { by: ['agent'] }, ESCALATE: { by: ['agent'] }, NOTE: { by: ['agent'] }, CLOSE: { by: ['agent'] } },
  initial: 'triage',
  states: {
    triage: {
      always: [
        { if: 'input.priority == "P0" && input.customer.tier == "gold" && input.amount > 1000', target: 'urgent' },
        { target: 'open' },
      ],
    },
    urgent: { invoke: { activity: 'notify', onDone: 'open', onError: 'open' } },
    open: {
      initial: 'waiting',
      on: { CLOSE: 'closed', NOTE: { assign: { noted: 'true' } } },
      after: [{ delay: 'decide.slaFor', target: 'closed' }],
      states: {
        waiting: { on: { ACCEPT: 'working' }, after: [{ delay: '4h', target: 'urgent' }] },
        working: { on: { ESCALATE: { target: 'waiting', if: 'context.level < 3' } } },
      },
    },
    closed: { type: 'final', outcome: 'closed' },
  },
};

describe('toMermaid', () => {
  const out = toMermaid(def);
  const lines = out.split('\n').map((l) => l.trim());

  it('starts a stateDiagram-v2 with an arrow to the initial state and ends finals in [*]', () => {
    expect(out.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(lines).toContain('[*] --> triage');
    expect(lines).toContain('closed --> [*]');
  });

  it('draws a compound state as a block holding its children, ids joined with __', () => {
    const start = lines.indexOf('state "open" as open {');
    const end = lines.indexOf('}', start);
    expect(start).toBeGreaterThan(0);
    const block = lines.slice(start, end);
    expect(block).toEqual(
      expect.arrayContaining([
        '[*] --> open__waiting',
        'state "waiting" as open__waiting',
        'state "working" as open__working',
        'open__waiting --> open__working : ACCEPT',
      ]),
    );
  });

  it('writes an edge between nested states of different parents at the top level', () => {
    const closing = lines.lastIndexOf('}');
    const at = lines.indexOf('open__waiting --> urgent : after 4h');
    expect(at).toBeGreaterThan(closing);
  });

  it('labels delays, invoke results, eventless transitions and guards', () => {
    expect(lines).toContain('open --> closed : after decide.slaFor');
    expect(lines).toContain('urgent --> open : done');
    expect(lines).toContain('urgent --> open : error');
    expect(lines).toContain('triage --> open : always');
    expect(lines).toContain('open__working --> open__waiting : ESCALATE [context.level #lt; 3]');
  });

  it('shortens long guards and writes quotes and other special characters as entities', () => {
    const edge = lines.find((l) => l.startsWith('triage --> urgent : always ['))!;
    expect(edge).toMatch(/…\]$/);
    expect(edge).toContain('#quot;P0#quot;');
    // Mermaid ends a label at `:` or `;`: outside the entities, neither may appear.
    expect(edge.split(' : ')[1].replace(/#\w+;/g, '')).not.toMatch(/[":;<>]/);
  });

  it('draws a transition without a target as a loop on its state', () => {
    expect(lines).toContain('open --> open : NOTE');
  });

  it('is pure: the same definition gives the same text', () => {
    expect(toMermaid(def)).toBe(out);
    expect(out).not.toContain('classDef');
  });

  it('marks visited states and their ancestors, ignoring unknown paths', () => {
    const marked = toMermaid(def, { highlight: ['triage', 'open.working', 'nowhere'] });
    expect(marked).toMatch(/classDef visited /);
    expect(marked.trimEnd().split('\n').pop()!.trim()).toBe('class triage,open,open__working visited');
  });

  it('separates the regions of a parallel state with -- and gives it no initial arrow', () => {
    const parallel: ProcessDefinition = {
      process: 'p',
      title: 'P',
      roles: ['agent'],
      initial: 'both',
      states: {
        both: {
          type: 'parallel',
          states: {
            left: { initial: 'a', states: { a: { type: 'final' } } },
            right: { initial: 'b', states: { b: { type: 'final' } } },
          },
        },
      },
    };
    const text = toMermaid(parallel);
    const body = text.slice(text.indexOf('state "both" as both {'));
    expect(body).toMatch(/state "left" as both__left \{[\s\S]*\}\n\s+--\n\s+state "right" as both__right \{/);
    expect(body).not.toMatch(/\[\*\] --> both__(left|right)\n/);
    expect(text).toMatch(/\[\*\] --> both__left__a/);
    expect(text).toMatch(/both__right__b --> \[\*\]/);
  });

  it('renames a state whose name Mermaid reads as a keyword', () => {
    const text = toMermaid({ process: 'k', title: 'K', roles: ['a'], initial: 'note', states: { note: { type: 'final' } } });
    expect(text).toContain('state "note" as note_state');
    expect(text).toContain('[*] --> note_state');
  });

  it('draws every state of the shipped complaint process', async () => {
    const { definition, diagnostics } = await loadDefinitionFile(`${DEFINITIONS_DIR}/complaint.yaml`);
    expect(diagnostics).toEqual([]);
    const text = toMermaid(definition!);
    for (const id of ['intake', 'awaiting_response', 'handling__working', 'resolved__satisfaction_call', 'closed_without_survey']) {
      expect(text).toMatch(new RegExp(`state "[a-z_]+" as ${id}\\b`));
    }
    expect(text).toContain('awaiting_response --> assigning : ACCEPT');
  });
});
