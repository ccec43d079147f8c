/**
 * Validates a set of definition files (what `docket validate` runs). A directory stands for the
 * *.yaml and *.yml files directly in it. Also checks what no single file can: that no process id
 * is defined twice. Never throws; a path that does not exist is a diagnostic.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from './diagnostics';
import { loadDefinitionFile } from './load';
import { readDefinitionSource, refusal } from './source-guard';
import type { ProcessDefinition } from './types';

export interface FileReport {
  file: string;
  ok: boolean;
  /** The process id, when the file is valid. */
  process?: string;
  definition?: ProcessDefinition;
  hash?: string;
  diagnostics: Diagnostic[];
}

export interface ValidationReport {
  files: FileReport[];
  /** Diagnostics over all files. */
  errorCount: number;
}

export async function validateFiles(paths: string[]): Promise<ValidationReport> {
  const files: FileReport[] = [];
  const definedIn = new Map<string, string>();
  for (const file of await expand(paths)) {
    if (file.empty) {
      files.push({ file: file.path, ok: false, diagnostics: [refusal(file.path, 'FILE_NOT_FOUND', 'no .yaml or .yml files in this directory')] });
      continue;
    }
    const result = await loadDefinitionFile(file.path);
    const diagnostics = [...result.diagnostics];
    const id = result.definition?.process;
    if (id !== undefined) {
      const first = definedIn.get(id);
      if (first === undefined) definedIn.set(id, file.path);
      else diagnostics.push(await duplicateId(file.path, id, first));
    }
    const ok = diagnostics.length === 0;
    files.push(ok ? { file: file.path, ok, process: id, definition: result.definition, hash: result.hash, diagnostics } : { file: file.path, ok, diagnostics });
  }
  return { files, errorCount: files.reduce((n, f) => n + f.diagnostics.length, 0) };
}

/** Directories become their YAML files (sorted); anything else is kept for the loader to judge. */
async function expand(paths: string[]): Promise<Array<{ path: string; empty?: boolean }>> {
  const out: Array<{ path: string; empty?: boolean }> = [];
  const seen = new Set<string>();
  const add = (path: string, empty?: boolean): void => {
    if (seen.has(path)) return;
    seen.add(path);
    out.push({ path, empty });
  };
  for (const path of paths) {
    const isDir = await stat(path).then((s) => s.isDirectory(), () => false);
    if (!isDir) {
      add(path);
      continue;
    }
    const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
    const yamlFiles = entries.filter((e) => !e.isDirectory() && /\.ya?ml$/i.test(e.name)).map((e) => join(path, e.name));
    if (yamlFiles.length === 0) add(path, true);
    for (const file of yamlFiles.sort()) add(file);
  }
  return out;
}

/** Placed on the second file's `process:` line. */
async function duplicateId(file: string, id: string, first: string): Promise<Diagnostic> {
  const read = await readDefinitionSource(file);
  const lines = 'text' in read ? read.text.split('\n') : [];
  const index = lines.findIndex((l) => /^process\s*:/.test(l));
  const at = index < 0 ? undefined : { line: index + 1, column: (/^process\s*:\s*/.exec(lines[index])?.[0].length ?? 0) + 1 };
  const message = `process id "${id}" is already defined in ${first}; rename one of them`;
  return { ...refusal(file, 'DUPLICATE_PROCESS_ID', message, at), path: 'process' };
}
