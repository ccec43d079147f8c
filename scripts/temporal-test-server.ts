/**
 * Prints the path of the time-skipping test server's launcher, fetching it from Maven Central
 * into the cache when it is missing (progress on stderr). `.ci/run` calls this; the finder is
 * tests/support/time-skipping-server.ts.
 *
 *   npx tsx scripts/temporal-test-server.ts
 */
import { findTestServer } from '../tests/support/time-skipping-server';

findTestServer({ install: true, onProgress: (line) => process.stderr.write(`[test-server] ${line}\n`) })
  .then((launcher) => process.stdout.write(`${launcher}\n`))
  .catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
    process.exitCode = 1;
  });
