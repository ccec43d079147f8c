/**
 * `docket serve [--port 8080] [--host 127.0.0.1] (--identity <file> | --dev)`: the HTTP API
 * (http/server.ts) over the cases of `DOCKET_TASK_QUEUE`, until SIGINT/SIGTERM.
 *
 * `--identity` trusts the identity provider its file names (issuer, audience, JWKS URL or key
 * file, claim mapping, access rules); `--dev` trusts the development key pair in the data dir
 * (`docket token --as lead:chen` mints tokens for it). One of the two is required: the server never
 * runs without verifying who calls it.
 */
import type { Command } from 'commander';
import { parseInteger, UsageError } from '../args';
import { runCommand, withClient } from '../run-command';

interface ServeFlags {
  port: string;
  host: string;
  identity?: string;
  dev?: boolean;
  dataDir: string;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API (bearer tokens verified; --identity <file> for your identity provider, --dev for local tokens)')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option(
      '--identity <file>',
      'identity configuration (YAML or JSON): issuer, audience, jwksUrl or keyFile, claims, access (env DOCKET_IDENTITY_CONFIG)',
      process.env.DOCKET_IDENTITY_CONFIG || undefined,
    )
    .option('--dev', 'development: trust the local key pair that `docket token` signs with')
    .option('--data-dir <dir>', 'where the development key pair lives (env DOCKET_DATA_DIR)', process.env.DOCKET_DATA_DIR || '.docket')
    .action(runCommand((flags: ServeFlags) => serve(flags)));
}

async function serve(flags: ServeFlags): Promise<void> {
  const port = parseInteger(flags.port, '--port', 0, 65535);
  if (Boolean(flags.identity) === Boolean(flags.dev)) {
    throw new UsageError('give --identity <file> (your identity provider) or --dev (local development tokens), not both and not neither');
  }
  const { loadIdentityConfig, IdentityConfigError } = await import('../../http/identity-config');
  const { ensureDevIdentity } = await import('../../http/dev-identity');
  const { buildServer } = await import('../../http/server');
  const { processClientCases } = await import('../../http/case-service');
  const { createLogger } = await import('../../worker/logger');
  const { useDevActorKeys } = await import('../../client/actor-signer');
  // The server vouches for its callers to the workflow with DOCKET_ACTOR_SIGNING_KEY (dev: the local key pair `docket dev` trusts).
  if (flags.dev) useDevActorKeys(flags.dataDir);
  else if (!process.env.DOCKET_ACTOR_SIGNING_KEY?.trim()) {
    process.stderr.write(
      'docket serve: DOCKET_ACTOR_SIGNING_KEY is not set: events go to Temporal unsigned, and workers that require signed actors refuse them (UNAUTHENTICATED)\n',
    );
  }
  let identity;
  try {
    identity = flags.dev ? (await ensureDevIdentity(flags.dataDir)).config : loadIdentityConfig(flags.identity!);
  } catch (err) {
    if (err instanceof IdentityConfigError) throw new UsageError(err.message);
    throw err;
  }
  // Started before the client so the server's spans say service.name=docket-serve (OTEL_SERVICE_NAME wins); off unless OTEL_* set (docs/tracing.md).
  const { startTracing } = await import('../../client/tracing-provider');
  const tracing = await startTracing('docket-serve');
  await withClient(async (docket) => {
    const logger = createLogger({ base: { service: 'docket-serve' } });
    const { app } = await buildServer({ cases: processClientCases(docket), identity, logger, tracing }).catch((err: unknown) => {
      if (err instanceof IdentityConfigError) throw new UsageError(err.message);
      throw err;
    });
    const address = await app.listen({ host: flags.host, port });
    process.stderr.write(
      `docket serve: listening on ${address} (OpenAPI at ${address}/openapi.json); tokens from ${identity.issuer}${flags.dev ? ' (development keys: mint one with `docket token --as lead:chen`)' : ''}\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    process.stderr.write('docket serve: stopping\n');
    await app.close();
  });
}
