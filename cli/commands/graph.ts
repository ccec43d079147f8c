/** `docket graph <file>`: the definition as a Mermaid state diagram on stdout. */
import type { Command } from 'commander';
import { DefinitionInvalidError } from '../../client/errors';
import { toMermaid } from '../../compiler/mermaid';
import { formatDiagnostic } from '../../dsl/diagnostics';
import type { TimelineEntry } from '../../contract/wire';
import { runCommand, withClient } from '../run-command';

export function register(program: Command): void {
  program
    .command('graph')
    .description('print the definition as a Mermaid stateDiagram-v2 (paste it into a Markdown ```mermaid block)')
    .argument('<file>', 'definition file')
    .option('--highlight <states>', 'comma-separated dotted state paths to mark as visited')
    .option('--case <id>', "mark the states this case has been in (asks Temporal for the case's timeline)")
    .action(
      runCommand(async (file: string, options: { highlight?: string; case?: string }) => {
        const { loadDefinitionFile } = await import('../../dsl/load');
        const loaded = await loadDefinitionFile(file);
        if (!loaded.definition || loaded.diagnostics.length > 0) {
          throw new DefinitionInvalidError(file, loaded.diagnostics.map(formatDiagnostic));
        }
        let highlight = options.highlight
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (options.case) {
          const caseId = options.case;
          const view = await withClient((client) => client.state(caseId));
          highlight = [...(highlight ?? []), ...visitedStates(view.timeline)];
        }
        process.stdout.write(toMermaid(loaded.definition, { highlight }));
      }),
    );
}

/** Every state a timeline entered. */
export function visitedStates(timeline: TimelineEntry[]): string[] {
  const out = new Set<string>();
  for (const e of timeline) {
    if (e.kind === 'started' || e.kind === 'completed') e.state.forEach((s) => out.add(s));
    if (e.kind === 'transition') [...e.from, ...e.to].forEach((s) => out.add(s));
  }
  return [...out];
}
