/**
 * The Temporal server finder (devserver/temporal-server.ts): where it looks, and what it says when
 * the build is missing or incomplete. Building is not tested here (minutes of Go); the cluster
 * test builds it when the cache is empty.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findTemporalServer, temporalServerCacheDir, TemporalServerNotFoundError } from '../../../devserver/temporal-server';

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-server-finder-'));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

/** A directory laid out like the cache: both binaries and both schema directories. */
function fakeBuild(dir: string, skip: string[] = []): void {
  for (const dirPart of ['schema/postgresql/v12/temporal/versioned', 'schema/postgresql/v12/visibility/versioned']) {
    if (!skip.includes(dirPart)) fs.mkdirSync(path.join(dir, dirPart), { recursive: true });
  }
  fs.mkdirSync(dir, { recursive: true });
  for (const binary of ['temporal-server', 'temporal-sql-tool']) {
    if (!skip.includes(binary)) fs.writeFileSync(path.join(dir, binary), '#!/bin/sh\n', { mode: 0o755 });
  }
}

it('uses the cache under XDG_CACHE_HOME when it is complete', async () => {
  const env = { XDG_CACHE_HOME: home, PATH: '' };
  const dir = temporalServerCacheDir(env);
  expect(dir).toBe(path.join(home, 'docket', 'temporal-server-1.29.1'));
  fakeBuild(dir);
  const found = await findTemporalServer({ env });
  expect(found).toEqual({
    dir,
    server: path.join(dir, 'temporal-server'),
    sqlTool: path.join(dir, 'temporal-sql-tool'),
    persistenceSchema: path.join(dir, 'schema/postgresql/v12/temporal/versioned'),
    visibilitySchema: path.join(dir, 'schema/postgresql/v12/visibility/versioned'),
  });
});

it('without build, a missing cache is an error that says how to build it', async () => {
  const env = { XDG_CACHE_HOME: home, PATH: '' };
  const err = await findTemporalServer({ env }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TemporalServerNotFoundError);
  expect((err as Error).message).toContain(`is not built in ${temporalServerCacheDir(env)}`);
  expect((err as Error).message).toContain(
    'go install go.temporal.io/server/cmd/server@v1.29.1 go.temporal.io/server/cmd/tools/sql@v1.29.1',
  );
});

it('TEMPORAL_SERVER_DIR must hold every part; the error names the missing ones and has no fallback', async () => {
  const dir = path.join(home, 'mine');
  fakeBuild(dir, ['temporal-sql-tool', 'schema/postgresql/v12/visibility/versioned']);
  // A complete cache would be found, but an explicit directory is never second-guessed.
  fakeBuild(temporalServerCacheDir({ XDG_CACHE_HOME: home }));
  const err = await findTemporalServer({ env: { TEMPORAL_SERVER_DIR: dir, XDG_CACHE_HOME: home, PATH: '' } }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TemporalServerNotFoundError);
  expect((err as Error).message).toBe(
    `TEMPORAL_SERVER_DIR is set to "${dir}", which lacks ${path.join(dir, 'temporal-sql-tool')}, ` +
      `${path.join(dir, 'schema/postgresql/v12/visibility/versioned')}. Fix or unset it to use the cached build.`,
  );
});

it('without Go, a missing cache cannot be built, and the error says so', async () => {
  const env = { XDG_CACHE_HOME: home, PATH: path.join(home, 'no-go-here') };
  const err = await findTemporalServer({ env, build: true }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TemporalServerNotFoundError);
  expect((err as Error).message).toContain('and Go is not installed to build it');
});
