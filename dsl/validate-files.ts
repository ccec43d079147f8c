/**
 * Validates a set of definition files (what `docket validate` runs). A directory stands for the
 * *.yaml and *.yml files directly in it. Also checks what no single file can: that no process id
 * is defined twice. Never throws; a path that does not exist is a diagnostic.
 *
 * A shared decision file (`uses:`) is not a process: it stands for the definitions that use it
 * (found in its directory and the one above), which are validated with it merged in.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { parse } from 'yaml';
import { checkChildInputs } from './check-child-input';
import { sortDiagnostics, unlocated, type Diagnostic } from './diagnostics';
import { isDefinitionFileName, isScenarioFileName } from './file-kinds';
import { isRecord, type JsonRecord } from './json-shape';
import { loadDefinitionFile, SHARED_FILE_MESSAGE } from './load';
import { parseYamlSource } from './parse-yaml';
import { createReporter } from './reporter';
import { readDefinitionSource, refusal } from './source-guard';
import { forEachState } from './state-tree';
import type { ProcessDefinition } from './types';

export interface FileReport {
  file: string;
  ok: boolean;
  /** The process id, when the file is valid. */
  process?: string;
  /** For a shared decision file: the definitions that use it (validated too). */
  usedBy?: string[];
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
  const queue = await expand(paths);
  const queued = new Set(queue.map((f) => normalize(f.path)));
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i];
    if (file.empty) {
      files.push({
        file: file.path,
        ok: false,
        diagnostics: [refusal(file.path, 'FILE_NOT_FOUND', 'no .yaml or .yml files in this directory')],
      });
      continue;
    }
    if (isScenarioFileName(file.path)) {
      const message = 'a scenario file (*.test.yaml), not a definition: run it with docket test; validate the definition it tests';
      files.push({ file: file.path, ok: false, diagnostics: [refusal(file.path, 'NOT_A_MAPPING', message)] });
      continue;
    }
    const result = await loadDefinitionFile(file.path);
    if (result.diagnostics.length === 1 && result.diagnostics[0].message === SHARED_FILE_MESSAGE) {
      const users = await definitionsUsing(file.path);
      if (users.length === 0) {
        const message = `a shared decision file that no definition in ${dirname(file.path)} or the directory above lists under \`uses:\`; use it from a definition, or delete it`;
        files.push({ file: file.path, ok: false, diagnostics: [{ ...result.diagnostics[0], message }] });
        continue;
      }
      files.push({ file: file.path, ok: true, usedBy: users, diagnostics: [] });
      for (const user of users.filter((u) => !queued.has(normalize(u)))) {
        queued.add(normalize(user));
        queue.push({ path: user });
      }
      continue;
    }
    const diagnostics = [...result.diagnostics];
    const id = result.definition?.process;
    if (id !== undefined) {
      const first = definedIn.get(id);
      if (first === undefined) definedIn.set(id, file.path);
      else diagnostics.push(await duplicateId(file.path, id, first));
    }
    const ok = diagnostics.length === 0;
    files.push(
      ok
        ? { file: file.path, ok, process: id, definition: result.definition, hash: result.hash, diagnostics }
        : { file: file.path, ok, diagnostics },
    );
  }
  await checkChildren(files);
  return { files, errorCount: files.reduce((n, f) => n + f.diagnostics.length, 0) };
}

/**
 * What needs two files: each child process's `with` against the child's input schema. The child
 * is one of the files validated, or else `<process>.yaml` beside the parent.
 */
async function checkChildren(files: FileReport[]): Promise<void> {
  const byId = new Map<string, ProcessDefinition>();
  for (const f of files) if (f.definition) byId.set(f.definition.process, f.definition);
  for (const report of files) {
    const def = report.definition;
    if (!def) continue;
    const wanted = new Set<string>();
    forEachState(def.states, (_, spec) => {
      if (spec.invoke?.process && !byId.has(spec.invoke.process)) wanted.add(spec.invoke.process);
    });
    for (const id of wanted) {
      const beside = await loadDefinitionFile(join(dirname(report.file), `${id}.yaml`)).catch(() => undefined);
      if (beside?.definition?.process === id) byId.set(id, beside.definition);
    }
    const read = await readDefinitionSource(report.file);
    if (!('text' in read)) continue;
    const parsed = parseYamlSource(read.text, report.file, '', '');
    const reporter = createReporter('locate' in parsed ? parsed.locate : unlocated(report.file));
    checkChildInputs(def as unknown as JsonRecord, (id) => byId.get(id), reporter);
    if (reporter.diagnostics.length === 0) continue;
    report.diagnostics.push(...sortDiagnostics(reporter.diagnostics));
    report.ok = false;
    delete report.definition;
    delete report.hash;
    delete report.process;
  }
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
    const isDir = await stat(path).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) {
      add(path);
      continue;
    }
    const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
    const yamlFiles = entries.filter((e) => !e.isDirectory() && isDefinitionFileName(e.name)).map((e) => join(path, e.name));
    if (yamlFiles.length === 0) add(path, true);
    for (const file of yamlFiles.sort()) add(file);
  }
  return out;
}

/** The YAML files in the shared file's directory and the one above whose `uses:` names it. */
async function definitionsUsing(sharedFile: string): Promise<string[]> {
  const target = normalize(sharedFile);
  const users: string[] = [];
  for (const dir of [...new Set([dirname(sharedFile), dirname(dirname(sharedFile))])]) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter(isDefinitionFileName).sort()) {
      const candidate = join(dir, name);
      if (normalize(candidate) === target) continue;
      const uses = await readFile(candidate, 'utf8').then(usesOf, () => []);
      if (uses.some((entry) => normalize(join(dir, entry)) === target)) users.push(candidate);
    }
  }
  return users;
}

/** The `uses:` entries of a YAML text, or none when it is not a definition that lists any. */
function usesOf(text: string): string[] {
  try {
    const value: unknown = parse(text, { maxAliasCount: 100 });
    const uses = isRecord(value) ? value.uses : undefined;
    return Array.isArray(uses) ? uses.filter((u): u is string => typeof u === 'string') : [];
  } catch {
    return [];
  }
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
