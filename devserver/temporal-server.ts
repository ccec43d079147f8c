/**
 * Finds the Temporal server binaries that run a local cluster (devserver/cluster.ts), and builds
 * them when they are missing: `temporal-server` (go.temporal.io/server/cmd/server), its SQL
 * schema tool `temporal-sql-tool` (cmd/tools/sql) and the PostgreSQL schema directories the tool
 * applies, all at v1.29.1, the server version the pinned CLI (v1.5.1) embeds, so the cluster and
 * the dev server run the same server code.
 *
 * Lookup: `TEMPORAL_SERVER_DIR` when set (a directory laid out like the cache; no fallback when it
 * is incomplete), else the cache `${XDG_CACHE_HOME:-~/.cache}/docket/temporal-server-1.29.1/`.
 * With `build: true` and Go installed, a missing cache is built once: `go install` of both
 * commands (v1.29.1's go.mod has no `replace` directive, so `go install pkg@version` works), then
 * the schema directories are copied out of the module source Go just downloaded
 * (`$(go env GOMODCACHE)/go.temporal.io/server@v1.29.1/schema/postgresql/v12`), so the cache
 * does not depend on the module cache staying around.
 *
 * Runnable: `npx tsx scripts/temporal-cluster.ts --build-only` prints the directory, building when missing.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { goInstall, GoInstallError } from './go-install';

export const TEMPORAL_SERVER_VERSION = '1.29.1';
const MODULE = 'go.temporal.io/server';
const SCHEMA = path.join('schema', 'postgresql', 'v12');
const INSTALL_HINT =
  `Build them with \`go install ${MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION} ${MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}\`, ` +
  `put the binaries in one directory as temporal-server and temporal-sql-tool with the module's ${SCHEMA} beside them ` +
  '(as schema/postgresql/v12), and set TEMPORAL_SERVER_DIR to that directory; or install Go and let docket build them.';

const run = promisify(execFile);

/** Where the server binaries and schemas are. */
export interface TemporalServerBuild {
  dir: string;
  /** The server: `temporal-server --root <dir> start --service <name>`. */
  server: string;
  /** `temporal-sql-tool`, which creates databases and applies the schema versions. */
  sqlTool: string;
  /** `schema/postgresql/v12/temporal/versioned` */
  persistenceSchema: string;
  /** `schema/postgresql/v12/visibility/versioned` */
  visibilitySchema: string;
}

/** The binaries are not there and could not (or may not) be built. */
export class TemporalServerNotFoundError extends Error {
  override name = 'TemporalServerNotFoundError';
}

/** `go install` of the server failed; `output` holds its last lines. */
export class TemporalServerBuildError extends Error {
  override name = 'TemporalServerBuildError';
  constructor(
    message: string,
    readonly output: string[],
  ) {
    super(message);
  }
}

export interface FindTemporalServerOptions {
  /** Build into the cache when missing. Default `false`. */
  build?: boolean;
  /** Progress lines while building (minutes). */
  onProgress?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** `${XDG_CACHE_HOME:-~/.cache}/docket/temporal-server-1.29.1` */
export function temporalServerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'docket', `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

function layout(dir: string): TemporalServerBuild {
  return {
    dir,
    server: path.join(dir, 'temporal-server'),
    sqlTool: path.join(dir, 'temporal-sql-tool'),
    persistenceSchema: path.join(dir, SCHEMA, 'temporal', 'versioned'),
    visibilitySchema: path.join(dir, SCHEMA, 'visibility', 'versioned'),
  };
}

/** What of `build` is missing (empty when complete). */
function missingParts(build: TemporalServerBuild): string[] {
  return [build.server, build.sqlTool, build.persistenceSchema, build.visibilitySchema].filter((p) => !fs.existsSync(p));
}

export async function findTemporalServer(options: FindTemporalServerOptions = {}): Promise<TemporalServerBuild> {
  const env = options.env ?? process.env;
  if (env.TEMPORAL_SERVER_DIR) {
    const explicit = layout(env.TEMPORAL_SERVER_DIR);
    const missing = missingParts(explicit);
    if (missing.length > 0) {
      throw new TemporalServerNotFoundError(
        `TEMPORAL_SERVER_DIR is set to "${env.TEMPORAL_SERVER_DIR}", which lacks ${missing.join(', ')}. ` +
          'Fix or unset it to use the cached build.',
      );
    }
    return explicit;
  }
  const cached = layout(temporalServerCacheDir(env));
  if (missingParts(cached).length === 0) return cached;
  if (!options.build) {
    throw new TemporalServerNotFoundError(`The Temporal server ${TEMPORAL_SERVER_VERSION} is not built in ${cached.dir}. ${INSTALL_HINT}`);
  }
  const goVersion = await run('go', ['version'], { env }).catch(() => undefined);
  if (!goVersion) {
    throw new TemporalServerNotFoundError(
      `The Temporal server ${TEMPORAL_SERVER_VERSION} is not built in ${cached.dir}, and Go is not installed to build it. ${INSTALL_HINT}`,
    );
  }
  return buildTemporalServer(cached, env, options.onProgress ?? (() => undefined));
}

async function buildTemporalServer(
  target: TemporalServerBuild,
  env: NodeJS.ProcessEnv,
  onProgress: (line: string) => void,
): Promise<TemporalServerBuild> {
  const version = `v${TEMPORAL_SERVER_VERSION}`;
  const targets = [`${MODULE}/cmd/server@${version}`, `${MODULE}/cmd/tools/sql@${version}`];
  onProgress(`building the Temporal server: go install ${targets.join(' ')} (takes several minutes, done once)`);
  const started = Date.now();
  try {
    await goInstall({
      targets,
      binaries: { server: 'temporal-server', sql: 'temporal-sql-tool' },
      cacheDir: target.dir,
      buildPrefix: 'temporal-server-build',
      env,
      onProgress,
    });
  } catch (err) {
    if (err instanceof GoInstallError) throw new TemporalServerBuildError(`${err.message}\n${INSTALL_HINT}`, err.output);
    throw err;
  }
  // go install has just put the module source in the module cache: copy the schemas out of it.
  const modCache = (await run('go', ['env', 'GOMODCACHE'], { env })).stdout.trim();
  const source = path.join(modCache, `${MODULE}@${version}`, SCHEMA);
  if (!fs.existsSync(source)) {
    throw new TemporalServerBuildError(`the server built, but its schema directory ${source} is missing. ${INSTALL_HINT}`, []);
  }
  const schemaTarget = path.join(target.dir, SCHEMA);
  const staging = `${schemaTarget}.${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.cpSync(source, staging, { recursive: true });
  // The module cache is read-only: let the copy be deleted later.
  for (const entry of fs.readdirSync(staging, { recursive: true, withFileTypes: true })) {
    fs.chmodSync(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644);
  }
  fs.chmodSync(staging, 0o755);
  fs.rmSync(schemaTarget, { recursive: true, force: true });
  fs.renameSync(staging, schemaTarget);
  onProgress(`built the Temporal server ${TEMPORAL_SERVER_VERSION} in ${Math.round((Date.now() - started) / 1000)}s: ${target.dir}`);
  return target;
}
