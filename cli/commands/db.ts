/**
 * `docket db migrate`: brings the activity store (SQLite file or PostgreSQL, from
 * DOCKET_STORE_URL / DOCKET_DATA_DIR) to the latest schema version. Workers do the same at start;
 * running it ahead of a rollout lets new workers start on a store that is already current.
 */
import type { Command } from 'commander';
import type { MigrationReport } from '../../activities/store-types';
import { printJson, printLines } from '../output';
import { runCommand } from '../run-command';

export function register(program: Command): void {
  const db = program
    .command('db')
    .description('the activity store (outbox, case registry, refund ledger): DOCKET_STORE_URL or the SQLite file in DOCKET_DATA_DIR');
  db.command('migrate')
    .description('apply the activity store migrations this store has not had yet (workers also do this at start)')
    .option('--json', 'print the report as JSON')
    .action(
      runCommand(async (options: { json?: boolean }) => {
        // Loaded here: opening a store loads a database driver only this command needs.
        const { migrateStore, closeStore } = await import('../../activities/store');
        try {
          const { store, report } = await migrateStore();
          if (options.json) printJson({ store: store.kind, location: store.location, ...report });
          else printLines(formatMigration(store.kind, store.location, report));
        } finally {
          await closeStore();
        }
      }),
    );
}

export function formatMigration(kind: string, location: string, report: MigrationReport): string[] {
  const what = report.applied.length
    ? `applied version${report.applied.length > 1 ? 's' : ''} ${report.applied.join(', ')}`
    : 'already up to date';
  return [`${kind} activity store at ${location}: ${what}; schema version ${report.current}`];
}
