/** `docket worker`: runs the docket worker against TEMPORAL_ADDRESS until SIGINT/SIGTERM. */
import type { Command } from 'commander';
import { runCommand } from '../run-command';

export function register(program: Command): void {
  program
    .command('worker')
    .description('run the worker that executes cases (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, DOCKET_TASK_QUEUE); Ctrl-C drains it')
    .action(
      runCommand(async () => {
        // Loaded here: the worker SDK is heavy and only this command and `dev` need it.
        const { runWorker } = require('../../worker/main') as typeof import('../../worker/main');
        await runWorker();
      }),
    );
}
