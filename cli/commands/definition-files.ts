/**
 * The definition files a command works on: files as given, directories as the definitions in them
 * (shared decision files, which are not processes, are skipped: they are merged into the
 * definitions that use them).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../args';

export async function definitionFilesIn(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new UsageError(`${path}: no such file or directory; give definition files (.yaml) or a directory of them`);
    }
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    const names = (await readdir(path)).filter((n) => /\.ya?ml$/.test(n)).sort();
    for (const name of names) {
      if (await isProcessFile(join(path, name))) files.push(join(path, name));
    }
  }
  if (files.length === 0) throw new UsageError(`no definition files in ${paths.join(', ')}`);
  return files;
}

/** A process definition has a `process:` key; shared decision files do not. Unparsable files count (the loader reports them). */
async function isProcessFile(file: string): Promise<boolean> {
  try {
    const value = parse(await readFile(file, 'utf8')) as Record<string, unknown> | null;
    return !value || typeof value !== 'object' || 'process' in value || !('decisions' in value);
  } catch {
    return true;
  }
}
