/**
 * `go install` of pinned Go programs into a directory of the cache (the Temporal CLI, the Temporal
 * server and its SQL tool): built into a temporary GOBIN beside the cache and renamed into place,
 * so a build killed midway never leaves a half-written binary behind. Progress lines go to
 * `onProgress`: the `go:` lines (downloads) and a heartbeat every 15 s counting compiled packages.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeAbandonedBuilds } from './abandoned-builds';
import { forEachLine } from './line-stream';

/** `go install` failed or did not produce a binary; `output` holds its last lines. */
export class GoInstallError extends Error {
  override name = 'GoInstallError';
  constructor(
    message: string,
    readonly output: string[],
  ) {
    super(message);
  }
}

export interface GoInstallOptions {
  /** `module/path/cmd/x@vX.Y.Z` targets, built in one `go install`. */
  targets: string[];
  /** The binaries the targets produce (their last path element) → the name they get in `cacheDir`. */
  binaries: Record<string, string>;
  /** Final directory; created when missing. Existing files of the same names are replaced. */
  cacheDir: string;
  /** Prefix of the temporary build directory (`.<buildPrefix>-<pid>-…` beside `cacheDir`). */
  buildPrefix: string;
  env: NodeJS.ProcessEnv;
  onProgress: (line: string) => void;
}

/** Builds the targets and moves the binaries into `cacheDir`; resolves their final paths by name. */
export async function goInstall(options: GoInstallOptions): Promise<Record<string, string>> {
  const { targets, binaries, cacheDir, buildPrefix, env, onProgress } = options;
  const parent = path.dirname(cacheDir);
  fs.mkdirSync(parent, { recursive: true });
  removeAbandonedBuilds(parent, buildPrefix);
  const buildDir = fs.mkdtempSync(path.join(parent, `.${buildPrefix}-${process.pid}-`));
  const started = Date.now();
  const tail: string[] = [];
  let packages = 0;
  const heartbeat = setInterval(() => {
    const secs = Math.round((Date.now() - started) / 1000);
    onProgress(`still building: ${packages} packages compiled, ${secs}s elapsed`);
  }, 15_000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      // -v prints one line per compiled package: counted for the heartbeat, not echoed.
      const child = spawn('go', ['install', '-v', ...targets], { env: { ...env, GOBIN: buildDir }, stdio: ['ignore', 'pipe', 'pipe'] });
      const onLine = (line: string) => {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (line.startsWith('go: ')) onProgress(line);
        else packages += 1;
      };
      forEachLine(child.stdout, onLine);
      forEachLine(child.stderr, onLine);
      child.on('error', reject);
      child.on('close', resolve);
    });
    const command = `go install ${targets.join(' ')}`;
    if (code !== 0) throw new GoInstallError(`${command} failed (exit code ${code}). Last output:\n${tail.join('\n')}`, tail);
    fs.mkdirSync(cacheDir, { recursive: true });
    const result: Record<string, string> = {};
    for (const [built, name] of Object.entries(binaries)) {
      const from = path.join(buildDir, built);
      if (!fs.existsSync(from)) throw new GoInstallError(`${command} succeeded but produced no ${from}.`, tail);
      result[name] = path.join(cacheDir, name);
      fs.renameSync(from, result[name]);
    }
    return result;
  } finally {
    clearInterval(heartbeat);
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
}
