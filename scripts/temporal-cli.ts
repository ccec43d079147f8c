/**
 * Prints the path of the `temporal` CLI on stdout, building it into the cache when it is missing
 * (progress on stderr). `.ci/run` calls this; the finder itself is devserver/temporal-cli.ts,
 * product code that `docket dev` uses too.
 *
 *   npx tsx scripts/temporal-cli.ts
 */
import { findTemporalCli } from '../devserver/temporal-cli';

findTemporalCli({ build: true, onProgress: (line) => process.stderr.write(`[temporal-cli] ${line}\n`) })
  .then((cli) => process.stdout.write(`${cli}\n`))
  .catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
    process.exitCode = 1;
  });
