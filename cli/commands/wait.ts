/**
 * `docket wait <id>`: waits until a case has settled (no workflow task, no activity pending) and,
 * with `--state`, is in that state. For scripts between `docket start` and the first `docket send`:
 * a new complaint runs its `intake` step first, and an ACCEPT sent during it is refused.
 */
import type { Command } from 'commander';
import { parseInteger } from '../args';
import { printJson, printLines } from '../output';
import { runCommand, withClient } from '../run-command';

export function register(program: Command): void {
  program
    .command('wait')
    .description('wait until a case has settled (no step running) and, with --state, is in that state; print where it is')
    .argument('<id>', 'case id')
    .option('--state <path>', 'also wait until the case is in this state (a dotted path; its inner states match too)')
    .option('--timeout <seconds>', 'give up after this many seconds (exit 1, naming what is pending)', '30')
    .option('--json', 'print the state view as JSON')
    .action(
      runCommand(async (id: string, options: { state?: string; timeout: string; json?: boolean }) => {
        const timeoutMs = parseInteger(options.timeout, '--timeout', 1, 86_400) * 1000;
        const view = await withClient((client) => client.waitUntilSettled(id, { timeoutMs, state: options.state }));
        if (options.json) printJson(view);
        else printLines([`case ${id} is ${view.status} in ${view.state.join(', ')}, settled (no step running)`]);
      }),
    );
}
