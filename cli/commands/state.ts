/** `docket state <id>`: where a case is, who may do what now, and its deadlines and timeline. */
import type { Command } from 'commander';
import { printJson, printStateView } from '../output';
import { runCommand, withClient } from '../run-command';

export function register(program: Command): void {
  program
    .command('state')
    .description('show the state of a case: state, owner, allowed events per role, deadlines, timeline')
    .argument('<id>', 'case id')
    .option('--run <runId>', 'an earlier run of the case (default: the latest)')
    .option('--json', 'print the state view as JSON')
    .action(
      runCommand(async (id: string, options: { run?: string; json?: boolean }) => {
        const view = await withClient((client) => client.state(id, { runId: options.run }));
        if (options.json) printJson(view);
        else printStateView(view);
      }),
    );
}
