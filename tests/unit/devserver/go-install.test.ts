/**
 * `goInstall` (devserver/go-install.ts), the build step of the Temporal CLI and server: a failed
 * `go install` is reported with Go's own output and leaves no build directory behind. Offline:
 * GOPROXY=off makes Go refuse at once instead of downloading. Needs Go (as the builds do).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { goInstall, GoInstallError } from '../../../devserver/go-install';

const hasGo = (() => {
  try {
    execFileSync('go', ['version']);
    return true;
  } catch {
    return false;
  }
})();

(hasGo ? it : it.skip)('reports a failed go install with its output and removes the build directory', async () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-go-install-'));
  try {
    const progress: string[] = [];
    const err = await goInstall({
      targets: ['example.invalid/nothing/cmd/x@v0.0.1'],
      binaries: { x: 'x' },
      cacheDir: path.join(parent, 'cache'),
      buildPrefix: 'test-build',
      env: { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=mod' },
      onProgress: (line) => progress.push(line),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GoInstallError);
    expect((err as GoInstallError).message).toContain('go install example.invalid/nothing/cmd/x@v0.0.1 failed (exit code 1)');
    expect((err as GoInstallError).output.join('\n')).toContain('module lookup disabled by GOPROXY=off');
    expect(progress).toEqual([expect.stringContaining('module lookup disabled by GOPROXY=off')]);
    // Neither the temporary build directory nor the cache directory is left behind.
    expect(fs.readdirSync(parent)).toEqual([]);
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
});
