/**
 * `docket deploy [files…]`: validates definitions (shared `uses:` files merged, the child processes
 * they invoke found in the same directory) and publishes them to the registry of the task queue.
 * Each becomes its process's current version; running cases keep the version they started with.
 */
import type { Command } from 'commander';
import type { DeployResult } from '../../contract/registry';
import { printJson, printLines, table } from '../output';
import { runCommand, withClient } from '../run-command';
import { definitionFilesIn } from './definition-files';

export function register(program: Command): void {
  program
    .command('deploy')
    .description('validate definitions and publish them as new versions (new cases start with them; running cases keep theirs)')
    .argument('[files...]', 'definition files or directories (default: definitions/)')
    .option('--by <name>', 'who deploys, for the deployment log (default: DOCKET_DEPLOYER or your user name)')
    .option('--note <text>', 'a note for the deployment log, e.g. a ticket or commit')
    .option('--json', 'print the report as JSON')
    .action(
      runCommand(async (paths: string[], options: { by?: string; note?: string; json?: boolean }) => {
        const files = await definitionFilesIn(paths.length ? paths : ['definitions']);
        // Loaded and validated before connecting: an invalid file is reported even with no server.
        const { bundleFromFile } = await import('../../client/definition-bundle');
        const bundles: Awaited<ReturnType<typeof bundleFromFile>>[] = [];
        for (const file of files) bundles.push(await bundleFromFile(file));
        const result = await withClient(async (client) => {
          // The namespace's real search attributes: an index field it lacks would fail every case at its first upsert.
          const { refuseMissingIndexAttributes } = await import('./index-attributes');
          await refuseMissingIndexAttributes(
            client.client,
            bundles.map((bundle, i) => ({ file: files[i], bundle })),
          );
          return client.deploy(bundles, { deployedBy: options.by, note: options.note });
        });
        if (options.json) printJson(result);
        else printLines(formatDeployReport(result));
      }),
    );
}

export function formatDeployReport(result: DeployResult): string[] {
  const rows = result.deployed.map((d) => [
    d.process,
    `v${d.version}`,
    d.hash.slice(0, 8),
    d.change === 'new'
      ? 'deployed, now current'
      : d.change === 'unchanged'
        ? 'unchanged (already current)'
        : 'earlier version, current again',
  ]);
  return [...table(['PROCESS', 'VERSION', 'HASH', 'CHANGE'], rows), 'see them with: docket definitions'];
}
