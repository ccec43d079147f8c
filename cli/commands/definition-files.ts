/**
 * The definition files a command works on: files as given, directories as the definitions in them
 * (shared decision files, which are not processes, are skipped: they are merged into the
 * definitions that use them).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isDefinitionFileName } from '../../dsl/file-kinds';
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
    const names = (await readdir(path)).filter(isDefinitionFileName).sort();
    for (const name of names) {
      if (await isProcessFile(join(path, name))) files.push(join(path, name));
    }
  }
  if (files.length === 0) throw new UsageError(`no definition files in ${paths.join(', ')}`);
  return files;
}

/** Anything but a shared decision file counts; an unparsable file counts too (the loader reports it). */
async function isProcessFile(file: string): Promise<boolean> {
  try {
    // Loaded here, not at the top: yaml and the validator are most of the CLI's start-up time.
    const { parse } = await import('yaml');
    const { looksLikeSharedFile } = await import('../../dsl/load');
    return !looksLikeSharedFile(parse(await readFile(file, 'utf8')));
  } catch {
    return true;
  }
}
