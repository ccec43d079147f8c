/** `docket list`: cases from Temporal visibility, filtered. */
import { Option, type Command } from 'commander';
import { buildListQuery, type CaseSummary, type ListOptions } from '../../client/list-query';
import { parseInteger, UsageError } from '../args';
import { formatCaseTable, printJson, printLines } from '../output';
import { runCommand, withClient } from '../run-command';

export interface ListReport {
  /** The visibility query used (also usable with `temporal workflow list --query`). */
  query: string;
  cases: CaseSummary[];
}

interface ListFlags {
  process?: string;
  hash?: string;
  state?: string;
  running?: boolean;
  closed?: boolean;
  query?: string;
  limit?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('list')
    .description('list cases (Temporal visibility; a case may take a second to show up or change)')
    .option('--process <id>', 'only cases of this process')
    .option('--hash <hash>', 'only cases running this definition hash (8+ characters as a prefix)')
    .option('--state <path>', 'only cases in this state (a dotted path, in any parallel region; ancestors match too)')
    .addOption(new Option('--running', 'only running cases').conflicts('closed'))
    .addOption(new Option('--closed', 'only closed cases').conflicts('running'))
    .option('--query <query>', 'extra visibility query, e.g. "DocketPriority = \'P0\'"')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print the report as JSON')
    .action(
      runCommand(async (flags: ListFlags) => {
        const options: ListOptions = {
          process: flags.process,
          definitionHash: flags.hash,
          state: flags.state,
          running: flags.running ? true : flags.closed ? false : undefined,
          query: flags.query,
          limit: parseInteger(flags.limit ?? '100', '--limit', 1),
        };
        const query = buildListQuery(options);
        const cases = await withClient((client) => client.list(options)).catch((err: unknown) => {
          throw rejectedQuery(err, query) ?? err;
        });
        const report: ListReport = { query, cases };
        if (flags.json) printJson(report);
        else printLines(cases.length ? formatCaseTable(cases) : ['no cases match']);
      }),
    );
}

/** Temporal answers INVALID_ARGUMENT (gRPC 3) for a query it cannot parse: that is the user's --query. */
function rejectedQuery(err: unknown, query: string): UsageError | undefined {
  const cause = (err as { cause?: { code?: number; details?: string } } | undefined)?.cause;
  if (cause?.code !== 3) return undefined;
  return new UsageError(
    `Temporal rejected the list query: ${cause.details ?? (err as Error).message}; the query was: ${query} ` +
      '(--query takes Temporal visibility syntax, e.g. "DocketPriority = \'P0\'")',
  );
}
