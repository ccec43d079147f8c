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
        const { result, timeline } = await withClient(async (client) => {
          const result = await client.result(id);
          // The result does not repeat the timeline; read it from the case (a worker answers the Query).
          const timeline =
            result.timeline ?? (await client.timeline(id).catch((err: unknown) => ({ unread: (err as Error)?.message ?? String(err) })));
          return { result, timeline };
        });
        const report: ResultReport = { id, ...result, ...(Array.isArray(timeline) ? { timeline } : {}) };
        if (options.json) printJson(report);
        else printLines(formatResult(id, result, timeline));
      }),
    );
}
