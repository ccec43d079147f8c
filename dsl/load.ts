/**
 * Loading a definition: text → YAML document → plain JSON → validated definition and its hash.
 * Every problem, from a missing file to an alias bomb to an unknown state, comes back as a
 * located diagnostic; these functions do not throw.
 *
 * @example
 *   const { definition, hash, diagnostics } = await loadDefinitionFile('definitions/refund.yaml');
 *   diagnostics.forEach((d) => console.error(formatDiagnostic(d)));
 */
import type { Diagnostic } from './diagnostics';
import { definitionHash } from './hash';
import { hasOwn, isRecord } from './json-shape';
import { parseYamlSource } from './parse-yaml';
import { mergeSharedDecisions, readSharedFile, type ReadShared } from './shared-decisions';
import { readDefinitionSource, refusal } from './source-guard';
import type { ProcessDefinition } from './types';
import { validateDefinition } from './validate';

/** What loading a shared decision file as a definition says (`docket validate` then checks the definitions using it). */
export const SHARED_FILE_MESSAGE =
  'this is a shared decision file (only title, description, decisions), not a process; it is checked with each definition that lists it under `uses:`, so validate those';

export interface LoadResult {
  /** Present only when there are no diagnostics. */
  definition?: ProcessDefinition;
  /** sha256 of the definition's canonical JSON, with `definition`. */
  hash?: string;
  diagnostics: Diagnostic[];
}

/** Reads, parses and validates a definition file. */
export async function loadDefinitionFile(path: string): Promise<LoadResult> {
  const read = await readDefinitionSource(path);
  if ('diagnostic' in read) return { diagnostics: [read.diagnostic] };
  return loadDefinitionText(read.text, path);
}

/**
 * Parses and validates definition text. `file` names it in diagnostics and is where the files of
 * its `uses:` list are looked up (relative to its directory), read by `readShared`.
 */
export function loadDefinitionText(text: string, file: string, readShared: ReadShared = readSharedFile): LoadResult {
  try {
    return loadUnguarded(text, file, readShared);
  } catch (err) {
    // The parser and validator collect problems rather than throw; reaching here is a bug or an
    // input beyond their limits (say, nesting deep enough to exhaust the stack).
    return { diagnostics: [refusal(file, 'LOAD_FAILED', `could not process the file: ${firstLine(err)}`)] };
  }
}

function loadUnguarded(text: string, file: string, readShared: ReadShared): LoadResult {
  const parsed = parseYamlSource(text, file, 'a definition needs process, title, roles, initial and states', '(process: …, title: …)');
  if ('diagnostics' in parsed) return parsed;
  if (looksLikeSharedFile(parsed.value)) {
    return { diagnostics: [refusal(file, 'MISSING_KEY', SHARED_FILE_MESSAGE)] };
  }
  // Shared decision files (`uses:`) are merged in before validation, so their rules are checked
  // against this definition and the definition that travels to the workflow is self-contained.
  const shared = mergeSharedDecisions(parsed.value, file, parsed.locate, readShared);
  if (shared.diagnostics.length > 0) return { diagnostics: shared.diagnostics };
  const diagnostics = validateDefinition(shared.value, shared.locate).map((d) =>
    // A rule in a shared file may be fine for one definition and wrong for another: say which.
    d.file === file ? d : { ...d, message: `${d.message} (as used by ${file})` },
  );
  if (diagnostics.length > 0) return { diagnostics };
  const definition = shared.value as ProcessDefinition;
  return { definition, hash: definitionHash(definition), diagnostics };
}

/** A shared decision file (`uses:`): decisions, but neither a process id nor states. */
export function looksLikeSharedFile(value: unknown): boolean {
  return isRecord(value) && hasOwn(value, 'decisions') && !hasOwn(value, 'process') && !hasOwn(value, 'states');
}

function firstLine(err: unknown): string {
  return ((err as Error)?.message ?? String(err)).split('\n')[0];
}
