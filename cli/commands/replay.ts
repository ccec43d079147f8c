/**
 * `docket replay <file|dir>...`: replays recorded histories against the current workflow code,
 * with no server. One line per history (ok, or what differed and at which event); exit code 1
 * when any fails. The CI gate for changes to the engine: see tests/histories/.
 */
import type { Command } from 'commander';
import type { ReplayOutcome } from '../../audit/replay';
import { UsageError } from '../args';
import { printJson, printLines } from '../output';
import { runCommand } from '../run-command';

export interface ReplayReport {
  histories: number;
  ok: number;
  failed: number;
  results: Array<Omit<ReplayOutcome, 'timeline'>>;
}

export function register(program: Command): void {
  program
    .command('replay')
    .description('replay histories (files, or directories of .json files) against the current workflow code; exit 1 if any fails')
    .argument('<paths...>', 'history files from `docket history -o` or `temporal workflow show --output json`, or directories of them')
    .option('--bundle <file>', 'replay this prebuilt workflow bundle (default: DOCKET_WORKFLOW_BUNDLE, else bundle workflows/)')
    .option('--json', 'print the report as JSON')
    .action(
      runCommand(async (paths: string[], options: { bundle?: string; json?: boolean }) => {
        const audit = await import('../../audit');
        const files = await audit.listHistoryFiles(paths).catch(asUsageError);
        noteBundling(options.bundle);
        const width = String(files.length).length;
        const results = await audit
          .replayHistoryFiles(files, {
            quiet: true,
            workflowBundle: options.bundle ? { codePath: options.bundle } : undefined,
            onProgress: options.json
              ? undefined
              : ({ done, total, outcome }) =>
                  printLines([`${total > 1 ? `[${String(done).padStart(width)}/${total}] ` : ''}${line(outcome)}`]),
          })
          .catch(asUsageError);
        const failed = results.filter((r) => !r.ok).length;
        const report: ReplayReport = {
          histories: results.length,
          ok: results.length - failed,
          failed,
          results: results.map(({ timeline: _timeline, ...rest }) => rest),
        };
        if (options.json) printJson(report);
        else
          printLines([`${report.histories} ${report.histories === 1 ? 'history' : 'histories'}: ${report.ok} ok, ${report.failed} failed`]);
        if (failed) process.exitCode = 1;
      }),
    );
}

function line(r: ReplayOutcome): string {
  if (r.ok) return `ok      ${r.file}  (${r.workflowId}, ${r.events} events${r.note ? `; ${r.note}` : ''})`;
  const where = r.failure?.eventId !== undefined ? ` at event ${r.failure.eventId}` : '';
  return `FAILED  ${r.file}  ${r.failure?.kind}${where}: ${r.failure?.message}`;
}

/** Bundling workflows/ takes a few seconds with no output: say so on stderr (stdout stays the report). */
export function noteBundling(bundle: string | undefined): void {
  if (!bundle && !process.env.DOCKET_WORKFLOW_BUNDLE) {
    process.stderr.write('bundling workflows/ for replay (a few seconds; DOCKET_WORKFLOW_BUNDLE or --bundle skips it)\n');
  }
}

/** Audit errors (a missing file, not a history) are the user's to fix: one line, exit code 1. */
export function asUsageError(err: unknown): never {
  if (err instanceof Error && err.name === 'AuditError') throw new UsageError(err.message);
  throw err;
}
