/** `docket rollback <process> <version>`: makes an earlier deployed version current again. */
import type { Command } from 'commander';
import type { DeployedVersion } from '../../contract/registry';
import { parseVersion } from '../args';
import { formatTime, printJson, printLines } from '../output';
import { runCommand, withClient } from '../run-command';

export function register(program: Command): void {
  program
    .command('rollback')
    .description('make an earlier version of a process current again: new cases start with it, running cases keep theirs')
    .argument('<process>', 'process id, e.g. refund-approval')
    .argument('<version>', 'version number (see `docket definitions`) or definition hash (8 or more characters)')
    .option('--by <name>', 'who rolls back, for the log (default: DOCKET_DEPLOYER or your user name)')
    .option('--json', 'print the version as JSON')
    .action(
      runCommand(async (process: string, version: string, options: { by?: string; json?: boolean }) => {
        const current = await withClient((client) => client.setCurrent(process, parseVersion(version), options.by));
        if (options.json) printJson(current);
        else printLines(formatRollback(current));
      }),
    );
}

export function formatRollback(v: DeployedVersion): string[] {
  return [
    `${v.process} v${v.version} (${v.hash.slice(0, 8)}, deployed by ${v.deployedBy} at ${formatTime(v.deployedAt)}) is current again; new cases start with it`,
  ];
}
