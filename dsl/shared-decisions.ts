/**
 * Shared decision files: `uses: [shared/escalation-ladder.yaml]` in a definition merges the
 * decision tables of that file into the definition's own `decisions`, before validation.
 *
 * Why merge at load time: the definition that travels to the workflow (and is hashed and pinned
 * to each case) must be self-contained, so a case keeps the ladder it started with when the
 * shared file is edited later, and replay never reads a file. The merged rules are validated as
 * part of each definition that uses them (a rule reading `context.heldBy` needs a definition with
 * `heldBy`), and problems in them are reported at their line in the shared file.
 *
 * A shared file holds `decisions:` (and optionally `title`, `description`); nothing else, and no
 * `uses:` of its own. A decision may come from one place only: defining it both in the definition
 * and in a file it uses is an error, not a silent override.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import type { Diagnostic, DiagnosticCode, Locate, PathSegment } from './diagnostics';
import { formatPath } from './diagnostics';
import { hasOwn, isRecord, type JsonRecord } from './json-shape';
import { parseYamlSource } from './parse-yaml';
import { MAX_DEFINITION_BYTES } from './source-guard';

/** Reads a shared file, or says why it cannot (a message for the `uses:` entry naming it). */
export type ReadShared = (path: string) => { text: string } | { code: DiagnosticCode; problem: string };

const SHARED_FILE_KEYS = ['title', 'description', 'decisions'];

export interface MergeResult {
  /** The definition with the shared tables in `decisions` and without `uses`. */
  value: unknown;
  /** Places paths under a shared decision in the shared file; everything else in the definition. */
  locate: Locate;
  diagnostics: Diagnostic[];
}

export function mergeSharedDecisions(value: unknown, file: string, locate: Locate, readShared: ReadShared): MergeResult {
  if (!isRecord(value) || !hasOwn(value, 'uses')) return { value, locate, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const report = (at: Locate, code: DiagnosticCode, path: PathSegment[], message: string, key = false): void => {
    diagnostics.push({ ...at(path, { key }), path: formatPath(path), code, message, severity: 'error' });
  };

  const uses = value.uses;
  if (!Array.isArray(uses)) {
    report(locate, 'WRONG_TYPE', ['uses'], 'must be a list of shared decision files, e.g. `uses: [shared/escalation-ladder.yaml]`');
    return { value, locate, diagnostics };
  }
  const own = isRecord(value.decisions) ? value.decisions : {};
  const merged: JsonRecord = { ...own };
  const locateDecision = new Map<string, Locate>();
  const sourceOf = new Map<string, string>();
  const seen = new Set<string>();

  uses.forEach((entry, i) => {
    if (typeof entry !== 'string' || !/\.ya?ml$/i.test(entry)) {
      report(
        locate,
        'INVALID_VALUE',
        ['uses', i],
        `${JSON.stringify(entry)} is not a YAML file path; give a path ending in .yaml, relative to this definition's directory`,
      );
      return;
    }
    const path = normalize(join(dirname(file), entry));
    if (seen.has(path)) {
      report(locate, 'INVALID_VALUE', ['uses', i], `"${entry}" is listed twice; remove one`);
      return;
    }
    seen.add(path);
    const read = readShared(path);
    if ('problem' in read) {
      report(
        locate,
        read.code,
        ['uses', i],
        `shared file "${entry}" (${path}): ${read.problem}; paths are relative to this definition's directory`,
      );
      return;
    }
    const parsed = parseYamlSource(read.text, path, 'a shared file needs `decisions:`', '(decisions: …)');
    if ('diagnostics' in parsed) {
      diagnostics.push(...parsed.diagnostics);
      return;
    }
    const shared = parsed.value as JsonRecord;
    for (const key of Object.keys(shared)) {
      if (SHARED_FILE_KEYS.includes(key)) continue;
      const hint =
        key === 'uses'
          ? 'shared files cannot use other files; list every file in the definition'
          : `a shared file may only have ${SHARED_FILE_KEYS.join(', ')}`;
      report(parsed.locate, 'UNKNOWN_KEY', [key], `unknown key "${key}": ${hint}`, true);
    }
    if (!hasOwn(shared, 'decisions')) {
      report(parsed.locate, 'MISSING_KEY', [], 'a shared file needs `decisions:`, the tables it shares');
      return;
    }
    if (!isRecord(shared.decisions)) {
      report(parsed.locate, 'WRONG_TYPE', ['decisions'], 'must be a mapping of decision names to their rules');
      return;
    }
    for (const [name, rules] of Object.entries(shared.decisions)) {
      if (hasOwn(own, name)) {
        const message = `decision "${name}" is also defined in the shared file "${entry}"; remove it here, or rename one (a shared table is never silently overridden)`;
        report(locate, 'DECISION_CONFLICT', ['decisions', name], message, true);
        continue;
      }
      const earlier = sourceOf.get(name);
      if (earlier !== undefined) {
        report(
          parsed.locate,
          'DECISION_CONFLICT',
          ['decisions', name],
          `decision "${name}" is also defined in "${earlier}", used by the same definition; rename one`,
          true,
        );
        continue;
      }
      merged[name] = rules;
      sourceOf.set(name, entry);
      locateDecision.set(name, parsed.locate);
    }
  });

  const { uses: _uses, ...rest } = value;
  const mergedLocate: Locate = (path, options) => {
    const shared = path[0] === 'decisions' && typeof path[1] === 'string' ? locateDecision.get(path[1]) : undefined;
    return (shared ?? locate)(path, options);
  };
  return { value: { ...rest, decisions: merged }, locate: mergedLocate, diagnostics };
}

/** The default reader: the file system, with the size limit definitions have. */
export function readSharedFile(path: string): ReturnType<ReadShared> {
  try {
    const info = statSync(path);
    if (!info.isFile()) return { code: 'FILE_UNREADABLE', problem: 'is not a regular file' };
    if (info.size > MAX_DEFINITION_BYTES) return { code: 'FILE_TOO_LARGE', problem: `is larger than ${MAX_DEFINITION_BYTES} bytes` };
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path)) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { code: 'FILE_NOT_FOUND', problem: 'file not found' };
    if (err instanceof TypeError) return { code: 'NOT_TEXT', problem: 'is not UTF-8 text' };
    return { code: 'FILE_UNREADABLE', problem: `cannot be read (${code ?? (err as Error).message})` };
  }
}
