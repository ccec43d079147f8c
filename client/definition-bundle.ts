/**
 * Loads a definition file and the child processes it invokes into one `DefinitionBundle`, the
 * pinned, hashed form that travels as workflow input. Child definitions are looked up by process
 * id among the YAML files of the same directory.
 */
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { formatDiagnostic } from '../dsl/diagnostics';
import { isDefinitionFileName } from '../dsl/file-kinds';
import { definitionHash } from '../dsl/hash';
import { loadDefinitionFile } from '../dsl/load';
import { forEachState } from '../compiler/state-paths';
import type { DefinitionBundle, ProcessDefinition } from '../dsl/types';
import { DefinitionInvalidError } from './errors';
import { packageRoot } from './package-root';

/** Loads, validates and bundles the definition at `path` with every child it invokes. */
export async function bundleFromFile(path: string): Promise<DefinitionBundle> {
  const definition = await loadValid(path);
  return bundleFromDefinition(definition, dirname(path));
}

/** Bundles an already-validated definition; children are resolved from `dir` when it invokes any. */
export async function bundleFromDefinition(definition: ProcessDefinition, dir?: string, seen: string[] = []): Promise<DefinitionBundle> {
  const bundle: DefinitionBundle = { definition, hash: definitionHash(definition) };
  const childIds = childProcesses(definition);
  if (childIds.length === 0) return bundle;
  dir ??= process.env.DOCKET_DEFINITIONS_DIR ?? join(packageRoot(), 'definitions');
  if (!dir)
    throw new DefinitionInvalidError(definition.process, [
      `invokes ${childIds.join(', ')} but no directory was given to find their definitions`,
    ]);
  const files = await definitionFilesById(dir);
  bundle.children = {};
  for (const id of childIds) {
    if (seen.includes(id))
      throw new DefinitionInvalidError(definition.process, [`child process cycle: ${[...seen, definition.process, id].join(' → ')}`]);
    const file = files.get(id);
    if (!file)
      throw new DefinitionInvalidError(definition.process, [`invokes process "${id}" but no definition in ${dir} has \`process: ${id}\``]);
    bundle.children[id] = await bundleFromDefinition(await loadValid(file), dir, [...seen, definition.process]);
  }
  return bundle;
}

/** Bundles the definition whose `process:` is `processId`, found among the YAML files of `dir`. */
export async function bundleForProcess(dir: string, processId: string): Promise<DefinitionBundle> {
  const file = (await definitionFilesById(dir)).get(processId);
  if (!file) throw new DefinitionInvalidError(dir, [`no definition in ${dir} has \`process: ${processId}\``]);
  return bundleFromFile(file);
}

function childProcesses(def: ProcessDefinition): string[] {
  const ids = new Set<string>();
  forEachState(def.states, (_, spec) => {
    if (spec.invoke?.process) ids.add(spec.invoke.process);
  });
  return [...ids];
}

async function loadValid(path: string): Promise<ProcessDefinition> {
  const result = await loadDefinitionFile(path);
  if (!result.definition || result.diagnostics.length > 0) {
    throw new DefinitionInvalidError(path, result.diagnostics.map(formatDiagnostic));
  }
  return result.definition;
}

async function definitionFilesById(dir: string): Promise<Map<string, string>> {
  const byId = new Map<string, string>();
  for (const name of (await readdir(dir)).filter(isDefinitionFileName).sort()) {
    const result = await loadDefinitionFile(join(dir, name));
    if (result.definition) byId.set(result.definition.process, join(dir, name));
  }
  return byId;
}
