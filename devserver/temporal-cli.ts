/**
 * Finds the `temporal` CLI that runs the local dev server, and builds it when it is missing.
 *
 * Lookup order:
 * 1. `TEMPORAL_CLI_PATH` (must point at an executable file; no fallback when it is wrong);
 * 2. `temporal` on `PATH` (it must answer `temporal --version`);
 * 3. the cache `${XDG_CACHE_HOME:-~/.cache}/docket/temporal-1.5.1/temporal`;
 * 4. with `build: true` and Go installed: `go install github.com/temporalio/cli/cmd/temporal@v1.5.1`
 *    into that cache (takes minutes; progress is streamed to `onProgress`).
 *
 * v1.5.1 is pinned because later tags carry a `replace` directive in go.mod and cannot be built with
 * `go install`. The build goes into a temporary directory next to the cache and is renamed into place,
 * so a killed build never leaves a half-written binary behind.
 *
 * Runnable: `npx tsx scripts/temporal-cli.ts` (or `docket dev`, which uses it) prints the path on
 * stdout, building when missing; progress goes to stderr.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { goInstall, GoInstallError } from './go-install';

export const TEMPORAL_CLI_VERSION = '1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
const BINARY = process.platform === 'win32' ? 'temporal.exe' : 'temporal';
const INSTALL_HINT =
  `Install it with \`go install ${TEMPORAL_CLI_MODULE}@v${TEMPORAL_CLI_VERSION}\` ` +
  '(then put $(go env GOPATH)/bin on PATH), put a release binary from ' +
  'https://github.com/temporalio/cli/releases on PATH, or set TEMPORAL_CLI_PATH to its location.';

/** The CLI is not on this machine and could not (or may not) be built. */
export class TemporalCliNotFoundError extends Error {
  override name = 'TemporalCliNotFoundError';
}

/** `go install` of the CLI failed; `output` holds its last lines. */
export class TemporalCliBuildError extends Error {
  override name = 'TemporalCliBuildError';
  constructor(
    message: string,
    readonly output: string[],
  ) {
    super(message);
  }
}

export interface FindTemporalCliOptions {
  /** Build the CLI with Go into the cache when it is found nowhere. Default `false`. */
  build?: boolean;
  /** Receives progress lines while building (the build takes several minutes). */
  onProgress?: (line: string) => void;
  /** Environment to read `TEMPORAL_CLI_PATH`, `PATH`, `XDG_CACHE_HOME` from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** Directory of the cached build: `${XDG_CACHE_HOME:-~/.cache}/docket/temporal-1.5.1`. */
export function temporalCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'docket', `temporal-${TEMPORAL_CLI_VERSION}`);
}

/** Path of the cached binary (it may not exist yet). */
export function temporalCliCachePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(temporalCliCacheDir(env), BINARY);
}

/** Returns the absolute path of a working `temporal` CLI; see the module doc for the order. */
export async function findTemporalCli(options: FindTemporalCliOptions = {}): Promise<string> {
  const env = options.env ?? process.env;

  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) {
      throw new TemporalCliNotFoundError(
        `TEMPORAL_CLI_PATH is set to "${explicit}", which is not an executable file. ` +
          'Fix or unset it to use the temporal CLI on PATH or the cached build.',
      );
    }
    return explicit;
  }

  const onPath = whichSync(BINARY, env);
  if (onPath && (await answersVersion(onPath, env))) return onPath;

  const cached = temporalCliCachePath(env);
  if (isExecutable(cached)) return cached;

  if (!options.build) {
    throw new TemporalCliNotFoundError(`The temporal CLI was not found on PATH nor in ${cached}. ${INSTALL_HINT}`);
  }
  if (!(await run('go', ['version'], env))) {
    throw new TemporalCliNotFoundError(
      `The temporal CLI was not found on PATH nor in ${cached}, and Go is not installed to build it. ${INSTALL_HINT}`,
    );
  }
  return buildTemporalCli({ env, onProgress: options.onProgress ?? (() => undefined) });
}

interface BuildOptions {
  env: NodeJS.ProcessEnv;
  onProgress: (line: string) => void;
}

/** `go install` into the cache (devserver/go-install.ts), with the install hint on failure. */
async function buildTemporalCli({ env, onProgress }: BuildOptions): Promise<string> {
  const target = `${TEMPORAL_CLI_MODULE}@v${TEMPORAL_CLI_VERSION}`;
  onProgress(`building the temporal CLI: go install ${target} (takes several minutes, done once)`);
  const started = Date.now();
  try {
    const built = await goInstall({
      targets: [target],
      binaries: { [BINARY]: BINARY },
      cacheDir: temporalCliCacheDir(env),
      buildPrefix: 'temporal-build',
      env,
      onProgress,
    });
    onProgress(`built the temporal CLI in ${Math.round((Date.now() - started) / 1000)}s: ${built[BINARY]}`);
    return built[BINARY];
  } catch (err) {
    if (err instanceof GoInstallError) throw new TemporalCliBuildError(`${err.message}\n${INSTALL_HINT}`, err.output);
    throw err;
  }
}

/** First executable `name` on `PATH`, as an absolute path. */
function whichSync(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.resolve(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** True when `command --version` runs and says it is the temporal CLI. */
async function answersVersion(command: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const out = await run(command, ['--version'], env);
  return out !== undefined && /^temporal version/i.test(out.trim());
}

/** Runs a short command; resolves its stdout, or `undefined` when it is missing or fails. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: 15_000 }, (err, stdout) => resolve(err ? undefined : stdout));
  });
}
