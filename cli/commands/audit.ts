/**
 * `docket audit <id|file>`: the business timeline of a case rebuilt from its history alone
 * (replayed with the current workflow code), its deadlines, activities and totals, the
 * definition hash it ran under, and the SHA-256 digest of the history.
 * `docket audit verify <file> <digest>`: recomputes the digest; exit 0 when it matches, 1 when not.
 */
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { HistoryFile } from '../../audit/history-file';
import { UsageError } from '../args';
import { printJson, printLines } from '../output';
import { runCommand, withClient } from '../run-command';
import { asUsageError, noteBundling } from './replay';

type Format = 'text' | 'json' | 'md' | 'html';

export interface VerifyReport {
  file: string;
  expected: string;
  actual: string;
  matches: boolean;
}

export function register(program: Command): void {
  const audit = program
    .command('audit')
    .description('audit a case from its history: timeline, actors and roles, deadlines met or missed, activities, definition hash, digest')
    .argument('<id|file>', 'a history file (docket history -o, temporal workflow show --output json), or a case id to fetch from Temporal')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json', 'md', 'html']).default('text'))
    .option('-o, --output <file>', 'write the report to this file (prints where, and the digest)')
    .option('--no-replay', 'skip replaying the history with the current workflow code (faster; no proof)')
    .option('--bundle <file>', 'replay with this prebuilt workflow bundle (default: DOCKET_WORKFLOW_BUNDLE, else bundle workflows/)')
    .option('--run <runId>', 'with a case id: audit this run of the case (default: the latest)')
    .action(
      runCommand(async (target: string, options: { format: Format; output?: string; replay: boolean; bundle?: string; run?: string }) => {
        const lib = await import('../../audit');
        const file = await loadTarget(target, lib, options.run);
        if (options.replay) noteBundling(options.bundle);
        const report = await lib
          .auditHistory(file, {
            replay: options.replay,
            replayOptions: { quiet: true, workflowBundle: options.bundle ? { codePath: options.bundle } : undefined },
          })
          .catch(asUsageError);
        const definition = lib.caseInput(file).definition;
        const text =
          options.format === 'json'
            ? `${JSON.stringify(report, null, 2)}\n`
            : options.format === 'md'
              ? lib.auditMarkdown(report)
              : options.format === 'html'
                ? lib.auditHtml(report, definition)
                : lib.auditText(report);
        if (options.output) {
          await writeFile(options.output, text);
          printLines([`wrote the ${options.format} audit of ${report.case.workflowId} to ${options.output}`, `digest ${report.digest}`]);
        } else {
          process.stdout.write(text);
        }
        if (report.replay.performed && !report.replay.ok) {
          process.stderr.write(`docket: the history does not replay with the current workflow code: ${report.replay.failure?.message}\n`);
          process.exitCode = 1;
        }
      }),
    );

  audit
    .command('verify')
    .description('recompute the digest of a history file; exit 0 when it equals <digest>, 1 when not')
    .argument('<file>', 'history file')
    .argument('<digest>', 'the digest the audit printed (sha256:… or the 64 hex digits)')
    .option('--json', 'print the report as JSON')
    .action(
      runCommand(async (path: string, expected: string, options: { json?: boolean }) => {
        const lib = await import('../../audit');
        if (!/^(sha256:)?[0-9a-f]{64}$/i.test(expected.trim())) {
          throw new UsageError(`<digest> "${expected}": expected sha256: followed by 64 hex digits, as \`docket audit\` prints it`);
        }
        const file = await lib.readHistoryFile(path).catch(asUsageError);
        const actual = lib.historyDigest(file.history);
        const report: VerifyReport = { file: path, expected: expected.trim(), actual, matches: lib.digestMatches(actual, expected) };
        if (options.json) printJson(report);
        else if (report.matches) printLines([`ok: ${path} has digest ${actual}, as expected`]);
        else
          printLines([`MISMATCH: ${path} has digest ${actual}, expected ${report.expected}: the history is not the one that was audited`]);
        if (!report.matches) process.exitCode = 1;
      }),
    );
}

/** A history file when `target` is one; otherwise a case id whose history is fetched from Temporal. */
async function loadTarget(target: string, lib: typeof import('../../audit'), runId?: string): Promise<HistoryFile> {
  if (existsSync(target) && statSync(target).isFile()) {
    if (runId) throw new UsageError('--run picks a run of a case fetched from Temporal; a history file is one run already');
    return lib.readHistoryFile(target).catch(asUsageError);
  }
  if (/[/\\]|\.json$/i.test(target))
    throw new UsageError(`${target}: no such history file (or give a case id to fetch its history from Temporal)`);
  const json = await withClient((client) => client.history(target, { runId }));
  try {
    return lib.parseHistoryJson(json, `case ${target}`);
  } catch (err) {
    return asUsageError(err);
  }
}
