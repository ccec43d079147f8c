/**
 * The directory docket is installed in (the one holding its package.json).
 *
 * The same code runs from the TypeScript sources (tests, tsx) and from the compiled `dist/`
 * (`bin/docket.js`), one folder deeper; files that ship beside the code (definitions/,
 * package.json) are found from here rather than from `__dirname`, whose depth differs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return (cached = dir);
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}: docket's install is incomplete`);
  }
}

/** docket's version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
