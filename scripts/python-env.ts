/**
 * Finds the Python that runs the Python conformance test (tests/python/conformance.py), and builds
 * a virtual environment for it when it is missing.
 *
 * Lookup order:
 * 1. `DOCKET_PYTHON` (a python that can `import temporalio`; no fallback when it cannot);
 * 2. the cache `${XDG_CACHE_HOME:-~/.cache}/docket/python-1.35.0-cryptography-46.0.3/bin/python`;
 * 3. with `create: true`: `python3 -m venv` plus `pip install temporalio==1.35.0 cryptography==46.0.3`
 *    into that cache (`cryptography` signs actors: clients/python/docket_client.py)
 *    (about a minute; progress is streamed to `onProgress`).
 *
 * The cache directory names both pinned versions, so a venv made before a pin changed (e.g. the
 * older `python-1.35.0` without cryptography) is not used: a new one is built next to it.
 *
 * The venv is built in a temporary directory next to the cache and renamed into place once
 * `import temporalio` works in it, so a killed install never leaves a half-made venv behind. Only
 * `bin/python` of the renamed venv is used (pip runs as `python -m pip`): the console scripts in
 * `bin/` keep the temporary path in their `#!` line.
 *
 * Runnable: `npx tsx scripts/python-env.ts` prints the venv's python on stdout (creating the venv
 * when missing); progress goes to stderr.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeAbandonedBuilds } from '../devserver/abandoned-builds';
import { forEachLine } from '../devserver/line-stream';

/** The `temporalio` release (PyPI) the venv pins. */
export const TEMPORALIO_VERSION = '1.35.0';
/** The `cryptography` release (PyPI) the venv pins: Ed25519 for the Python client's signed actors. */
export const CRYPTOGRAPHY_VERSION = '46.0.3';
const PIP_PACKAGES = [`temporalio==${TEMPORALIO_VERSION}`, `cryptography==${CRYPTOGRAPHY_VERSION}`];
/** Oldest Python the pinned `temporalio` wheels support (cp310-abi3). */
const MIN_PYTHON: [number, number] = [3, 10];
const VENV_PYTHON = process.platform === 'win32' ? path.join('Scripts', 'python.exe') : path.join('bin', 'python');
const INSTALL_HINT =
  'Run `npx tsx scripts/python-env.ts` to create the venv (needs python3 >= 3.10 with the venv module, ' +
  'e.g. `apt-get install python3-venv`, and access to PyPI), or set DOCKET_PYTHON to a python ' +
  `that has temporalio and cryptography installed (\`python -m pip install ${PIP_PACKAGES.join(' ')}\`).`;

/** No usable Python with temporalio, and none could (or may) be created. */
export class PythonEnvNotFoundError extends Error {
  override name = 'PythonEnvNotFoundError';
}

/** Creating the venv failed; `output` holds the failing command's last lines. */
export class PythonEnvBuildError extends Error {
  override name = 'PythonEnvBuildError';
  constructor(
    message: string,
    readonly output: string[],
  ) {
    super(message);
  }
}

export interface FindPythonEnvOptions {
  /** Create the venv in the cache when no usable python is found. Default `false`. */
  create?: boolean;
  /** Receives progress lines while creating the venv. */
  onProgress?: (line: string) => void;
  /** Environment to read `DOCKET_PYTHON`, `PATH`, `XDG_CACHE_HOME` from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export interface PythonEnv {
  /** Absolute path of the python to run. */
  python: string;
  /** `temporalio.__version__` as that python reports it. */
  temporalio: string;
  /** Where it came from. */
  source: 'DOCKET_PYTHON' | 'cache' | 'created';
}

/** Directory of the cached venv: `${XDG_CACHE_HOME:-~/.cache}/docket/python-1.35.0-cryptography-46.0.3`. */
export function pythonEnvCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'docket', `python-${TEMPORALIO_VERSION}-cryptography-${CRYPTOGRAPHY_VERSION}`);
}

/** Returns a python that imports temporalio and cryptography; see the module doc for the order. */
export async function findPythonEnv(options: FindPythonEnvOptions = {}): Promise<PythonEnv> {
  const env = options.env ?? process.env;
  const onProgress = options.onProgress ?? (() => undefined);

  const explicit = env.DOCKET_PYTHON;
  if (explicit) {
    const probe = await probeTemporalio(explicit, env);
    if (!probe.ok) {
      throw new PythonEnvNotFoundError(
        `DOCKET_PYTHON is set to "${explicit}", which cannot import temporalio and cryptography (${probe.error}). ` +
          `Install them there (\`${explicit} -m pip install ${PIP_PACKAGES.join(' ')}\`), or unset DOCKET_PYTHON ` +
          'to use the cached venv.',
      );
    }
    return { python: explicit, temporalio: probe.version, source: 'DOCKET_PYTHON' };
  }

  const cacheDir = pythonEnvCacheDir(env);
  const cached = path.join(cacheDir, VENV_PYTHON);
  if (fs.existsSync(cacheDir)) {
    const probe = await probeTemporalio(cached, env);
    if (probe.ok) return { python: cached, temporalio: probe.version, source: 'cache' };
    if (!options.create) {
      throw new PythonEnvNotFoundError(
        `The venv ${cacheDir} is broken (${probe.error}), e.g. the python it was made from is gone. ` +
          `Remove it and create it again: \`rm -rf ${cacheDir} && npx tsx scripts/python-env.ts\`.`,
      );
    }
    onProgress(`the venv ${cacheDir} is broken (${probe.error}); creating it again`);
    fs.rmSync(cacheDir, { recursive: true, force: true });
  } else if (!options.create) {
    throw new PythonEnvNotFoundError(
      `No Python with temporalio and cryptography: DOCKET_PYTHON is not set and ${cacheDir} does not exist. ${INSTALL_HINT}`,
    );
  }

  const base = await findBasePython(env);
  return createPythonEnv({ env, base, onProgress });
}

/** The first `python3` (or `python`) on PATH that is new enough and has the venv module. */
async function findBasePython(env: NodeJS.ProcessEnv): Promise<string> {
  const seen: string[] = [];
  for (const name of ['python3', 'python']) {
    const out = await run(name, ['-c', 'import sys, venv; print(sys.executable); print("%d.%d" % sys.version_info[:2])'], env);
    if (out === undefined) continue;
    const [executable, version] = out.trim().split('\n');
    const [major, minor] = version.split('.').map(Number);
    if (major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1])) return executable;
    seen.push(`${name} is ${version}`);
  }
  throw new PythonEnvNotFoundError(
    `No python3 >= ${MIN_PYTHON.join('.')} with the venv module on PATH${seen.length ? ` (${seen.join(', ')})` : ''}, ` +
      `so the venv cannot be created. ${INSTALL_HINT}`,
  );
}

interface CreateOptions {
  env: NodeJS.ProcessEnv;
  base: string;
  onProgress: (line: string) => void;
}

/** `python -m venv` and `pip install` into a temporary directory, then rename it into the cache. */
async function createPythonEnv({ env, base, onProgress }: CreateOptions): Promise<PythonEnv> {
  const cacheDir = pythonEnvCacheDir(env);
  const parent = path.dirname(cacheDir);
  fs.mkdirSync(parent, { recursive: true });
  removeAbandonedBuilds(parent, 'python-build');
  const buildDir = fs.mkdtempSync(path.join(parent, `.python-build-${process.pid}-`));
  const started = Date.now();
  onProgress(`creating a Python venv with ${PIP_PACKAGES.join(' ')} in ${cacheDir} (about a minute, done once)`);
  try {
    await runLogged(base, ['-m', 'venv', buildDir], env, onProgress, 'python -m venv');
    const python = path.join(buildDir, VENV_PYTHON);
    await runLogged(
      python,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', ...PIP_PACKAGES],
      env,
      onProgress,
      `pip install ${PIP_PACKAGES.join(' ')}`,
    );
    const probe = await probeTemporalio(python, env);
    if (!probe.ok) throw new PythonEnvBuildError(`pip installed ${PIP_PACKAGES.join(' ')}, but they do not import: ${probe.error}`, []);
    fs.chmodSync(buildDir, 0o755); // mkdtemp made it private
    try {
      fs.renameSync(buildDir, cacheDir);
    } catch (err) {
      // Another process finished first: use its venv when it works.
      const theirs = await probeTemporalio(path.join(cacheDir, VENV_PYTHON), env);
      if (!theirs.ok) throw err;
      return { python: path.join(cacheDir, VENV_PYTHON), temporalio: theirs.version, source: 'cache' };
    }
    const secs = Math.round((Date.now() - started) / 1000);
    onProgress(`created the venv in ${secs}s: ${path.join(cacheDir, VENV_PYTHON)} (temporalio ${probe.version})`);
    return { python: path.join(cacheDir, VENV_PYTHON), temporalio: probe.version, source: 'created' };
  } finally {
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
}

/** Runs a step of the build; progress lines pass through, the last ones go into the error. */
async function runLogged(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onProgress: (line: string) => void,
  what: string,
): Promise<void> {
  const tail: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const onLine = (line: string) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (/^(Collecting|Installing|Successfully|ERROR|error)/.test(line.trim())) onProgress(line.trim());
    };
    forEachLine(child.stdout, onLine);
    forEachLine(child.stderr, onLine);
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    throw new PythonEnvBuildError(`${what} failed (exit code ${code}). Last output:\n${tail.join('\n')}\n${INSTALL_HINT}`, tail);
  }
}

type Probe = { ok: true; version: string } | { ok: false; error: string };

/** Whether `python` runs and imports temporalio and cryptography; temporalio's version when it does. */
function probeTemporalio(python: string, env: NodeJS.ProcessEnv): Promise<Probe> {
  return new Promise((resolve) => {
    execFile(
      python,
      ['-c', 'import cryptography, temporalio; print(temporalio.__version__)'],
      { env, timeout: 30_000 },
      (err, stdout, stderr) => {
        if (!err) return resolve({ ok: true, version: stdout.trim() });
        const code = (err as NodeJS.ErrnoException).code;
        const lastLine = String(stderr).trim().split('\n').pop();
        const reason =
          code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not executable' : lastLine || `exit code ${code ?? 'none'}`;
        resolve({ ok: false, error: reason });
      },
    );
  });
}

/** Runs a short command; resolves its stdout, or `undefined` when it is missing or fails. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: 30_000 }, (err, stdout) => resolve(err ? undefined : stdout));
  });
}

if (require.main === module) {
  findPythonEnv({ create: true, onProgress: (line) => process.stderr.write(`[python-env] ${line}\n`) })
    .then((found) => process.stdout.write(`${found.python}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
      process.exitCode = 1;
    });
}
