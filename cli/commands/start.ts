/**
 * `docket start <process> --id <id> [--version v] [--input json | --input-file path]`: opens a case
 * of a deployed process. Given a definition file instead of a process name (development), it
 * deploys the file first (with the children it invokes) and starts exactly that version.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { StartedCase } from '../../client/process-client';
import { parseJsonObject, parseVersion, readJsonObjectFile, UsageError } from '../args';
import { printJson, printLines } from '../output';
import { runCommand, withClient } from '../run-command';

export interface StartReport extends StartedCase {
  /** The definition file deployed first, when one was given. */
  file?: string;
}

interface StartOptions {
  id: string;
  version?: string;
  input?: string;
  inputFile?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('start')
    .description('start a case of a deployed process (or deploy a definition file and start it); starting an existing id returns that case')
    .argument(
      '<process>',
      'process id of a deployed definition, e.g. complaint (or, in development, a definition file: it is deployed first)',
    )
    .requiredOption('--id <id>', 'business key of the case, e.g. C-1001 (the workflow id)')
    .option('--version <version>', 'deployed version number or definition hash (default: the current version)')
    .option('--input <json>', 'start payload as a JSON object, e.g. \'{"customerId": "C-1"}\'')
    .option('--input-file <path>', 'read the start payload from a JSON file')
    .option('--json', 'print the report as JSON')
    .action(
      runCommand(async (target: string, options: StartOptions) => {
        if (options.input !== undefined && options.inputFile !== undefined) {
          throw new UsageError('give the payload either with --input or with --input-file, not both');
        }
        const input =
          options.inputFile !== undefined
            ? await readJsonObjectFile(options.inputFile, '--input-file')
            : options.input !== undefined
              ? parseJsonObject(options.input, '--input', `'{"customerId": "C-1"}'`)
              : {};
        const file = isDefinitionFile(target) ? target : undefined;
        if (file && options.version !== undefined)
          throw new UsageError('--version picks a deployed version; with a definition file the file is the version');
        const version = options.version !== undefined ? parseVersion(options.version, '--version') : undefined;
        const started = await withClient((client) =>
          client.start(file ? { path: file, id: options.id, input } : { process: target, version, id: options.id, input }),
        );
        const report: StartReport = { ...started, ...(file ? { file } : {}) };
        if (options.json) printJson(report);
        else printLines(formatStartReport(report));
        // A case that failed as it started is no success (issue 12).
        if (!started.existing && started.status === 'failed') process.exitCode = 1;
      }),
    );
}

/** A path to a YAML file (development) rather than a process id. */
function isDefinitionFile(target: string): boolean {
  if (/\.ya?ml$/i.test(target)) {
    if (!existsSync(target))
      throw new UsageError(`${target}: no such definition file (to start a deployed process, give its id, e.g. complaint)`);
    return true;
  }
  return false;
}

export function formatStartReport(r: StartReport): string[] {
  const definition = `${r.process}${r.definitionVersion !== undefined ? ` v${r.definitionVersion}` : ''}, definition ${r.definitionHash.slice(0, 8)}`;
  const head = r.existing
    ? `case ${r.id} already exists (run ${r.runId}, ${definition}, ${r.status.replace(/_/g, ' ')}); it was not started again`
    : `started case ${r.id}${r.file ? ` from ${r.file} (deployed first)` : ''} (run ${r.runId}, ${definition})`;
  const lines = [head];
  if (!r.existing && r.status === 'starting')
    lines.push('the case has not resolved its definition yet: is a worker running on this task queue? (docket worker)');
  if (!r.existing && r.status === 'failed') {
    lines.push(
      r.failure
        ? `the case failed at once (${r.failure.code}): ${r.failure.message}`
        : `the case failed at once: see why with: docket state ${r.id}`,
    );
  }
  lines.push(`see it with: docket state ${r.id}`);
  return lines;
}
