/** `docket result <id>`: waits for the case to end and prints its outcome. */
import type { Command } from 'commander';
import type { ProcessResult } from '../../contract/wire';
import { formatResult, printJson, printLines } from '../output';
import { runCommand, withClient } from '../run-command';

export interface ResultReport extends ProcessResult {
  id: string;
}

export function register(program: Command): void {
  program
    .command('result')
    .description('wait for the case to end, then print its outcome, final state and timeline')
    .argument('<id>', 'case id')
    .option('--json', 'print the report as JSON')
    .action(
      runCommand(async (id: string, options: { json?: boolean }) => {
        const result = await withClient((client) => client.result(id));
        const report: ResultReport = { id, ...result };
        if (options.json) printJson(report);
        else printLines(formatResult(id, result));
      }),
    );
}
