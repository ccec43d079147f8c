/**
 * `docket test [files…]`: runs scenario files (`*.test.yaml` beside a definition) offline, on the
 * compiled machine with a virtual clock, and prints one line per failed scenario at its place
 * plus a summary line. Exit 0 all passed, 1 a scenario failed or a file is invalid.
 * `--server` runs the same scenarios on a Temporal server instead (scenario/server-run.ts).
 */
import type { Command } from 'commander';
import { formatLocated } from '../../scenario/scenario-file';
import { runScenarioFile, scenarioFiles, type FileResult } from '../../scenario/run-scenarios';
import { UsageError } from '../args';
import { printJson, printLines } from '../output';
import { runCommand, withClient } from '../run-command';
import { defaultDefinitionsDir } from './validate';

interface TestOptions {
  json?: boolean;
  server?: boolean;
  grep?: string;
  continueAsNew?: boolean;
}

export function register(program: Command): void {
  program
    .command('test')
    .description('run scenario files (*.test.yaml) offline on a virtual clock (default: every one in definitions/)')
    .argument('[files...]', 'scenario files, or directories of *.test.yaml files')
    .option('--grep <text>', 'run only the scenarios whose name contains this text')
    .option('--server', 'run the scenarios on the Temporal server of TEMPORAL_ADDRESS instead (a worker must serve DOCKET_TASK_QUEUE)')
    .option(
      '--continue-as-new',
      'offline: continue each case as new before every step where it can (no invocation in flight); the steps must hold all the same',
    )
    .option('--json', 'print the results as JSON')
    .addHelpText('after', '\nExit codes: 0 every scenario passed, 1 a scenario failed or a file is invalid, 2 the tool itself failed.')
    .action(
      runCommand(async (files: string[], options: TestOptions) => {
        const started = performance.now();
        const paths = await scenarioFiles(files.length ? files : [defaultDefinitionsDir()]);
        const only = options.grep === undefined ? undefined : (name: string) => name.includes(options.grep!);
        const results: FileResult[] = [];
        if (options.server && options.continueAsNew) {
          throw new UsageError(
            '--continue-as-new runs offline only: on a server a case continues as new when its history is long (start it with continueAsNewAfter)',
          );
        }
        if (options.server) {
          const { runScenarioFileOnServer } = await import('../../scenario/server-run');
          await withClient(async (client) => {
            for (const file of paths) results.push(await runScenarioFileOnServer(file, client, only));
          });
        } else {
          for (const file of paths) results.push(await runScenarioFile(file, { only, continueAsNew: options.continueAsNew }));
        }
        const ms = performance.now() - started;
        if (options.json) printJson({ files: results, ms: Math.round(ms) });
        else printLines(formatTestReport(results, ms));
        if (results.some((r) => r.problems.length > 0 || r.scenarios.some((s) => !s.passed)) || paths.length === 0) process.exitCode = 1;
      }),
    );
}

/** Failures at their places, then `N scenarios, N passed, N failed (F files) in T ms`. */
export function formatTestReport(results: FileResult[], ms: number): string[] {
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const r of results) {
    for (const p of r.problems) lines.push(`FAIL  ${formatLocated(p)}`);
    for (const s of r.scenarios) {
      if (s.skipped) {
        skipped++;
        lines.push(`skip  ${r.file}:${s.line}: scenario "${s.name}" ${s.skipped}`);
      } else if (s.passed) passed++;
      else {
        failed++;
        for (const f of s.failures) lines.push(`FAIL  ${formatLocated(f)}`);
      }
    }
  }
  const broken = results.filter((r) => r.problems.length > 0).length;
  const continued = results.flatMap((r) => r.scenarios).filter((s) => s.continued !== undefined);
  const continuedNote = continued.length ? `, ${continued.reduce((n, s) => n + s.continued!, 0)} continue-as-new` : '';
  if (results.length === 0) lines.push('no scenario files (*.test.yaml) found');
  lines.push(
    `${passed + failed + skipped} scenario${passed + failed + skipped === 1 ? '' : 's'}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}` +
      `${broken ? `, ${broken} file${broken === 1 ? '' : 's'} not run` : ''} (${results.length} file${results.length === 1 ? '' : 's'})${continuedNote} in ${Math.round(ms)} ms`,
  );
  return lines;
}
