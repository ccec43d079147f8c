/** `docket worker`: runs the docket worker against TEMPORAL_ADDRESS until SIGINT/SIGTERM. */
import type { Command } from 'commander';
import { runCommand } from '../run-command';

export function register(program: Command): void {
  program
    .command('worker')
    .description('run the worker that executes cases (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, DOCKET_TASK_QUEUE); Ctrl-C drains it')
    .option(
      '--allow-inline-definitions',
      'development mode: also run definitions sent inline in a start input (validated and hashed by the worker); never in production',
    )
    .action(
      runCommand(async (options: { allowInlineDefinitions?: boolean }) => {
        if (options.allowInlineDefinitions) process.env.DOCKET_ALLOW_INLINE_DEFINITIONS = '1';
        // Loaded here: the worker SDK is heavy and only this command and `dev` need it.
        const { runWorker } = await import('../../worker/main');
        await runWorker();
      }),
    );
}
