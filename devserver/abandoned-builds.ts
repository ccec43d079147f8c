/**
 * Builds into the cache (the Temporal CLI, the Python venv) go to a temporary directory named
 * `.<kind>-build-<pid>-…` next to their final place and are renamed into place when complete.
 * A build killed midway leaves its directory behind; this removes those whose process is gone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Removes `.<prefix>-<pid>-*` directories in `parent` whose process no longer runs. */
export function removeAbandonedBuilds(parent: string, prefix: string): void {
  const pattern = new RegExp(`^\\.${prefix}-(\\d+)-`);
  for (const name of fs.readdirSync(parent)) {
    const match = pattern.exec(name);
    if (match && !isAlive(Number(match[1]))) {
      fs.rmSync(path.join(parent, name), { recursive: true, force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
