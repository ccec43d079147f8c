/**
 * Reads a history file written by `docket history` or `temporal workflow show --output json`
 * (both proto3 JSON `{ "events": [...] }`) into the SDK's `History`, checking on the way that it
 * is one.
 *
 * @example
 *   const { workflowId, history } = await readHistoryFile('tests/histories/complaint-p0.json');
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { AuditError } from './errors';
import { attributesOf, eventTypeName } from './history-events';

export interface HistoryFile {
  /** The path it was read from (as given). */
  file: string;
  /** From the start event (servers since 1.24 record it); else the file name without `.json`. */
  workflowId: string;
  history: History;
  /** The file's parsed JSON, as written (for the digest and for error messages). */
  json: unknown;
}

export async function readHistoryFile(file: string): Promise<HistoryFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new AuditError('FILE_UNREADABLE', file, `cannot read the history: ${reason}`);
  }
  return parseHistoryJson(text, file);
}

/** Parses history JSON; `file` names it in errors. */
export function parseHistoryJson(text: string, file: string): HistoryFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AuditError('NOT_JSON', file, `not a history: the file is not JSON (${(err as Error).message})`);
  }
  const events = (json as { events?: unknown } | null)?.events;
  if (!json || typeof json !== 'object' || !Array.isArray(events) || events.length === 0) {
    throw new AuditError(
      'NOT_A_HISTORY',
      file,
      'not a history: expected a JSON object with a non-empty "events" list, as `docket history <id> -o file` ' +
        'or `temporal workflow show --output json -w <id>` write',
    );
  }
  let history: History;
  try {
    history = historyFromJSON(json);
  } catch (err) {
    throw new AuditError('NOT_A_HISTORY', file, `not a history: ${(err as Error).message}`);
  }
  const first = history.events?.[0];
  if (!first || eventTypeName(first) !== 'WorkflowExecutionStarted') {
    throw new AuditError(
      'NOT_A_HISTORY',
      file,
      `not a complete history: its first event is ${first ? eventTypeName(first) : 'missing'}, not WorkflowExecutionStarted`,
    );
  }
  const started = attributesOf(first) as { workflowId?: string | null };
  return { file, workflowId: started.workflowId || basename(file).replace(/\.json$/i, ''), history, json };
}

/**
 * The history files a command should read: the file itself, or every `*.json` under a directory
 * (recursively, sorted), leaving out files whose name does not end in `.json`.
 */
export async function listHistoryFiles(paths: string | string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of Array.isArray(paths) ? paths : [paths]) {
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new AuditError('FILE_UNREADABLE', path, 'no such file or directory');
    }
    if (!info.isDirectory()) {
      out.push(path);
      continue;
    }
    const found = await jsonFilesUnder(path);
    if (found.length === 0) throw new AuditError('NO_HISTORIES', path, 'the directory holds no .json history files');
    out.push(...found);
  }
  return out;
}

async function jsonFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await jsonFilesUnder(path)));
    else if (entry.name.toLowerCase().endsWith('.json')) out.push(path);
  }
  return out;
}
