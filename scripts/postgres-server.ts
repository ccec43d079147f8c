/**
 * A throwaway PostgreSQL server for the store tests, the many-worker test and local trials: a
 * temporary data directory (`initdb`), a free port on 127.0.0.1, trust authentication for the
 * `docket` role, a `docket` database; `stop()` shuts it down and deletes the directory.
 *
 * The binaries are taken from `DOCKET_PG_BIN` (a directory), then PATH, then Debian's layout
 * `/usr/lib/postgresql/<major>/bin` (the newest major), which is where `apt-get install
 * postgresql` puts them (`.ci/run` installs it when none are found). PostgreSQL refuses to run as
 * root, so when this process is root the server runs as the unprivileged `nobody` user (through
 * `runuser`), and its data directory belongs to that user.
 *
 * Not for production: fsync is off (a test server need not survive a power cut) and anyone on
 * the machine may connect as `docket` without a password.
 *
 * @example
 *   const pg = await startPostgres();
 *   process.env.DOCKET_STORE_URL = pg.url;   // postgres://docket@127.0.0.1:<port>/docket
 *   await pg.restart();                      // same data, same port
 *   await pg.stop();
 *
 *   npx tsx scripts/postgres-server.ts        # prints the URL, runs until Ctrl-C
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

/** No PostgreSQL binaries were found. */
export class PostgresNotFoundError extends Error {
  override name = 'PostgresNotFoundError';
}

/** `initdb` or `pg_ctl` failed; the message carries their output and the server log's tail. */
export class PostgresStartError extends Error {
  override name = 'PostgresStartError';
}

export interface PostgresServer {
  /** `postgres://docket@127.0.0.1:<port>/docket` */
  url: string;
  port: number;
  /** The temporary directory (data directory and socket inside). */
  dir: string;
  /** Fast shutdown then start again on the same data and port (open connections are cut). */
  restart(): Promise<void>;
  /** Fast shutdown and removal of the directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** The directory holding `initdb`, `pg_ctl` and `postgres`. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string {
  const has = (dir: string) => ['initdb', 'pg_ctl', 'postgres'].every((b) => fs.existsSync(path.join(dir, b)));
  const candidates = [env.DOCKET_PG_BIN, ...(env.PATH ?? '').split(path.delimiter)].filter((d): d is string => Boolean(d));
  for (const dir of candidates) if (has(dir)) return dir;
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const majors = fs
      .readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const major of majors) if (has(path.join(debian, major, 'bin'))) return path.join(debian, major, 'bin');
  }
  throw new PostgresNotFoundError(
    'PostgreSQL binaries (initdb, pg_ctl, postgres) not found on PATH, in DOCKET_PG_BIN or under /usr/lib/postgresql/*/bin; ' +
      "install Debian's package (apt-get install postgresql) or set DOCKET_PG_BIN to the directory that holds them",
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(options: { port?: number } = {}): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-pg-'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const nobody = await run('id', ['-u', 'nobody']);
    const group = await run('id', ['-g', 'nobody']);
    fs.chownSync(dir, Number(nobody.stdout.trim()), Number(group.stdout.trim()));
  }
  // As root: `runuser -u nobody -- <cmd>`; otherwise the command itself.
  const pg = async (tool: string, args: string[]) => {
    const file = path.join(bin, tool);
    try {
      return asRoot ? await run('runuser', ['-u', 'nobody', '--', file, ...args]) : await run(file, args);
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
      throw new PostgresStartError(
        `${tool} ${args.join(' ')} failed: ${(e.stderr || e.stdout || e.message).trim()}${tail ? `\nserver log:\n${tail}` : ''}`,
      );
    }
  };

  await pg('initdb', ['-D', data, '-U', 'docket', '--auth=trust', '-E', 'UTF8', '--no-locale']);
  const port = options.port ?? (await freePort());
  const start = () =>
    pg('pg_ctl', [
      '-D',
      data,
      '-l',
      log,
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      'start',
    ]);
  const shutdown = () => pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  await start();

  const admin = new Client({ connectionString: `postgres://docket@127.0.0.1:${port}/postgres` });
  await admin.connect();
  try {
    await admin.query('CREATE DATABASE docket');
  } finally {
    await admin.end();
  }

  let stopped = false;
  return {
    url: `postgres://docket@127.0.0.1:${port}/docket`,
    port,
    dir,
    restart: async () => {
      await shutdown();
      await start();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await shutdown().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

if (require.main === module) {
  startPostgres()
    .then((server) => {
      process.stdout.write(`${server.url}\n`);
      process.stderr.write(`PostgreSQL running (data in ${server.dir}); Ctrl-C stops it and deletes the data\n`);
      // Nothing else keeps this process alive while the server (a separate process) runs.
      const alive = setInterval(() => {}, 1 << 30);
      const stop = () =>
        void server.stop().then(() => {
          clearInterval(alive);
          process.exit(0);
        });
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((err: unknown) => {
      process.stderr.write(`postgres-server: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
