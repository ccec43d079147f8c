/** `docket start <file> --id <id> [--input json | --input-file path]`: opens a case. */
import type { Command } from 'commander';
import type { StartedCase } from '../../client/process-client';
import { parseJsonObject, readJsonObjectFile, UsageError } from '../args';
import { printJson, printLines } from '../output';
import { runCommand, withClient } from '../run-command';

export interface StartReport extends StartedCase {
  file: string;
}

interface StartOptions {
  id: string;
  input?: string;
  inputFile?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('start')
    .description('start a case of the process in <file>; starting an existing id returns that case')
    .argument('<file>', 'definition file (child processes it invokes are found in the same directory)')
    .requiredOption('--id <id>', 'business key of the case, e.g. C-1001 (the workflow id)')
    .option('--input <json>', "start payload as a JSON object, e.g. '{\"customerId\": \"C-1\"}'")
    .option('--input-file <path>', 'read the start payload from a JSON file')
    .option('--json', 'print the report as JSON')
    .action(
      runCommand(async (file: string, options: StartOptions) => {
        if (options.input !== undefined && options.inputFile !== undefined) {
          throw new UsageError('give the payload either with --input or with --input-file, not both');
        }
        const input =
          options.inputFile !== undefined
            ? await readJsonObjectFile(options.inputFile, '--input-file')
            : options.input !== undefined
              ? parseJsonObject(options.input, '--input', `'{"customerId": "C-1"}'`)
              : {};
        const started = await withClient((client) => client.start({ path: file, id: options.id, input }));
        const report: StartReport = { file, ...started };
        if (options.json) printJson(report);
        else printLines(formatStartReport(report));
      }),
    );
}

export function formatStartReport(r: StartReport): string[] {
  const head = r.existing
    ? `case ${r.id} already exists (run ${r.runId}, definition ${r.definitionHash.slice(0, 8)}); it was not started again`
    : `started case ${r.id} from ${r.file} (run ${r.runId}, definition ${r.definitionHash.slice(0, 8)})`;
  return [head, `see it with: docket state ${r.id}`];
}
