/**
 * `docket token --as lead:chen [--ttl 1h]`: a development bearer token, signed with the local key
 * pair that `docket serve --dev` trusts. For the quick start and demos only; production tokens
 * come from the identity provider.
 */
import type { Command } from 'commander';
import { parseDuration } from '../../dsl/duration';
import { UsageError } from '../args';
import { runCommand } from '../run-command';

export function register(program: Command): void {
  program
    .command('token')
    .description('mint a development bearer token for `docket serve --dev`')
    .requiredOption('--as <role:actorId>', 'who the token is for, e.g. lead:chen (several roles: lead,agent:chen)')
    .option('--ttl <duration>', 'how long it is valid', '1h')
    .option('--data-dir <dir>', 'where the development key pair lives (env DOCKET_DATA_DIR)', process.env.DOCKET_DATA_DIR || '.docket')
    .action(
      runCommand(async (flags: { as: string; ttl: string; dataDir: string }) => {
        const { mintDevToken, parseAs } = await import('../../http/dev-identity');
        try {
          parseAs(flags.as);
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
        const ms = parseDuration(flags.ttl);
        if (ms === undefined || ms <= 0) throw new UsageError(`--ttl "${flags.ttl}": expected a duration like 15m or 1h`);
        process.stdout.write(`${await mintDevToken({ as: flags.as, ttlSeconds: Math.ceil(ms / 1000), dataDir: flags.dataDir })}\n`);
      }),
    );
}
