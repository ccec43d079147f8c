/** `docket definitions [process]`: deployed processes, their versions, hashes, deployers and times. */
import type { Command } from 'commander';
import type { ProcessVersions } from '../../contract/registry';
import { formatTime, printJson, printLines, table } from '../output';
import { runCommand, withClient } from '../run-command';

export function register(program: Command): void {
  program
    .command('definitions')
    .description('list deployed processes with every version: hash, who deployed it and when; * marks the current one')
    .argument('[process]', 'only this process')
    .option('--json', 'print the list as JSON')
    .action(
      runCommand(async (process: string | undefined, options: { json?: boolean }) => {
        const list = await withClient((client) => client.definitions(process));
        if (options.json) printJson(list);
        else printLines(formatDefinitions(list, process));
      }),
    );
}

export function formatDefinitions(list: ProcessVersions[], process?: string): string[] {
  if (list.length === 0) {
    return [
      process
        ? `process "${process}" is not deployed; deploy it with: docket deploy`
        : 'nothing is deployed yet; deploy with: docket deploy',
    ];
  }
  const rows: string[][] = [];
  for (const p of list) {
    for (const v of p.versions) {
      rows.push([
        v.version === p.current ? '*' : '',
        p.process,
        `v${v.version}`,
        v.hash.slice(0, 8),
        v.deployedBy,
        formatTime(v.deployedAt),
        v.note ?? '',
      ]);
    }
  }
  const lines = table(['', 'PROCESS', 'VERSION', 'HASH', 'DEPLOYED BY', 'DEPLOYED AT', 'NOTE'], rows);
  const rollbacks = list.flatMap((p) =>
    p.log.filter((l) => l.action === 'rollback').map((l) => `${p.process} v${l.version} made current by ${l.by} at ${formatTime(l.at)}`),
  );
  if (rollbacks.length) lines.push('', 'rollbacks:', ...rollbacks.map((r) => `  ${r}`));
  return lines;
}
