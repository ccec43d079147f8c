/** `docket validate [files...]`: checks definitions; exit 0 all valid, 1 any invalid, 2 the tool failed. */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../../client/package-root';
import { formatDiagnostic, type Diagnostic } from '../../dsl/diagnostics';
import { printJson, printLines } from '../output';
import { runCommand } from '../run-command';

export interface ValidateReport {
  files: Array<{ file: string; ok: boolean; process?: string; hash?: string; usedBy?: string[]; diagnostics: Diagnostic[] }>;
  errorCount: number;
  invalidCount: number;
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('check definitions and report every problem as file:line:col (default: all of definitions/)')
    .argument('[files...]', 'definition files or directories of *.yaml files')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExit codes: 0 all valid, 1 a definition has problems, 2 the tool itself failed.')
    .action(
      runCommand(async (files: string[], options: { json?: boolean }) => {
        const report = await validate(files.length ? files : [defaultDefinitionsDir()]);
        if (options.json) printJson(report);
        else printLines(formatValidateReport(report));
        if (report.errorCount > 0 || report.invalidCount > 0) process.exitCode = 1;
      }),
    );
}

export async function validate(paths: string[]): Promise<ValidateReport> {
  // Loaded here, not at the top: the validator (ajv, yaml, CEL) is most of the CLI's start-up
  // time, and `docket --help` or `docket state` should not pay for it.
  const { validateFiles } = await import('../../dsl/validate-files');
  const result = await validateFiles(paths);
  return {
    files: result.files.map(({ file, ok, process, hash, usedBy, diagnostics }) => ({ file, ok, process, hash, usedBy, diagnostics })),
    errorCount: result.errorCount,
    invalidCount: result.files.filter((f) => !f.ok).length,
  };
}

/** Problems grouped by file, then a summary line. */
export function formatValidateReport(report: ValidateReport): string[] {
  const lines: string[] = [];
  for (const f of report.files) {
    if (f.ok) {
      const what = f.usedBy ? ` (shared decisions, used by ${f.usedBy.join(', ')})` : f.process ? ` (${f.process})` : '';
      lines.push(`ok    ${f.file}${what}`);
      continue;
    }
    const count = f.diagnostics.length;
    lines.push(`FAIL  ${f.file}: ${count} problem${count === 1 ? '' : 's'}`);
    for (const d of f.diagnostics) lines.push(`  ${formatDiagnostic(d)}`);
  }
  const n = report.files.length;
  lines.push(
    report.invalidCount === 0
      ? `${n} definition${n === 1 ? '' : 's'} valid`
      : `${report.invalidCount} of ${n} definition${n === 1 ? '' : 's'} invalid, ${report.errorCount} problem${report.errorCount === 1 ? '' : 's'}`,
  );
  return lines;
}

/** `definitions/` in the working directory, or else the one that ships with docket. */
export function defaultDefinitionsDir(): string {
  if (existsSync('definitions')) return 'definitions';
  const bundled = path.join(packageRoot(), 'definitions');
  if (!existsSync(bundled)) return 'definitions';
  const relative = path.relative(process.cwd(), bundled);
  return relative && !relative.startsWith('..') ? relative : bundled;
}
