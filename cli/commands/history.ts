/** `docket history <id> [-o file]`: the case's Temporal event history as JSON (replayable). */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { printJson, printLines } from '../output';
import { runCommand, withClient } from '../run-command';

export interface HistoryReport {
  id: string;
  file: string;
  events: number;
}

export function register(program: Command): void {
  program
    .command('history')
    .description('export the case history as JSON (the format `temporal workflow show --output json` writes)')
    .argument('<id>', 'case id')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--run <runId>', 'an earlier run of the case (default: the latest; see `docket list` or the timeline for run ids)')
    .option('--json', 'with -o: print the report as JSON')
    .action(
      runCommand(async (id: string, options: { output?: string; run?: string; json?: boolean }) => {
        const history = await withClient((client) => client.history(id, { runId: options.run }));
        if (!options.output) {
          process.stdout.write(history.endsWith('\n') ? history : `${history}\n`);
          return;
        }
        await writeFile(options.output, history);
        const report: HistoryReport = { id, file: options.output, events: countEvents(history) };
        if (options.json) printJson(report);
        else printLines([`wrote ${report.events} events of case ${id} to ${report.file}`]);
      }),
    );
}

function countEvents(history: string): number {
  try {
    const events = (JSON.parse(history) as { events?: unknown[] }).events;
    return Array.isArray(events) ? events.length : 0;
  } catch {
    return 0;
  }
}
