/**
 * `docket whatif <new-definition.yaml> <histories...>`: re-runs the recorded events of past cases
 * through an edited definition, offline, and lists the cases that would have taken another path
 * or ended differently. Running cases are not affected by anything this does.
 */
import type { Command } from 'commander';
import type { WhatIfCase, WhatIfReport } from '../../audit/whatif';
import { DefinitionInvalidError } from '../../client/errors';
import { formatDiagnostic } from '../../dsl/diagnostics';
import { printJson, printLines, table } from '../output';
import { runCommand } from '../run-command';
import { asUsageError } from './replay';

export function register(program: Command): void {
  program
    .command('whatif')
    .description('re-run recorded cases through an edited definition (offline) and list those that would go another way')
    .argument('<definition>', 'the edited definition file')
    .argument('<histories...>', 'history files or directories of them (cases of other processes are skipped)')
    .option('--json', 'print the report as JSON')
    .action(
      runCommand(async (definitionFile: string, histories: string[], options: { json?: boolean }) => {
        const { loadDefinitionFile } = await import('../../dsl/load');
        const loaded = await loadDefinitionFile(definitionFile);
        if (!loaded.definition || loaded.diagnostics.length > 0) {
          throw new DefinitionInvalidError(definitionFile, loaded.diagnostics.map(formatDiagnostic));
        }
        const { whatIf } = await import('../../audit/whatif');
        const report = await whatIf(loaded.definition, histories).catch(asUsageError);
        if (options.json) printJson(report);
        else printLines(formatWhatIf(report, definitionFile));
      }),
    );
}

export function formatWhatIf(report: WhatIfReport, file: string): string[] {
  const s = report.summary;
  const lines = [
    `what-if: ${file} (${report.process}, definition ${report.definitionHash.slice(0, 12)}) over ${s.histories} ${s.histories === 1 ? 'history' : 'histories'}`,
  ];
  lines.push(
    ...table(
      undefined,
      report.cases.map((c) => [c.workflowId || c.file, verdict(c)]),
    ).map((l) => `  ${l}`),
  );
  lines.push(
    `${s.compared} compared: ${s.changed} would go another way (${s.endsDifferently} would end differently), ${s.compared - s.changed} unchanged; ${s.skipped} skipped`,
  );
  return lines;
}

function verdict(c: WhatIfCase): string {
  if (c.skipped) return `skipped: ${c.skipped}`;
  if (!c.changed) return `same path, same end (${end(c.recorded!)})`;
  const parts: string[] = [];
  if (c.divergence) {
    parts.push(
      `ANOTHER PATH from step ${c.divergence.step + 1}: recorded "${c.divergence.recorded ?? '(end)'}", now "${c.divergence.edited ?? '(stops here)'}"`,
    );
  }
  parts.push(c.endsDifferently ? `ENDS DIFFERENTLY: ${end(c.recorded!)} → ${end(c.edited!)}` : `ends the same (${end(c.edited!)})`);
  const refused = c.edited!.rejected.length - c.recorded!.rejected.length;
  if (refused > 0)
    parts.push(
      `${refused} recorded event${refused === 1 ? '' : 's'} would be refused (${c.edited!.rejected.map((r) => `${r.event}: ${r.code}`).join(', ')})`,
    );
  if (c.edited!.assumptions.length)
    parts.push(`${c.edited!.assumptions.length} invocation result${c.edited!.assumptions.length === 1 ? '' : 's'} assumed`);
  if (c.baselineMatchesRecord === false) parts.push('warning: the re-run of the recorded definition does not match the record');
  return parts.join('; ');
}

const end = (r: { status: string; outcome?: string; state: string[]; compensations: string[] }) =>
  (r.status === 'completed' ? `outcome ${r.outcome}` : `${r.status} in ${r.state.join(', ')}`) +
  (r.compensations.length ? `, compensated by ${r.compensations.join(', ')}` : '');
