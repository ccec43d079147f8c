/**
 * The gate in front of the YAML parser. Definition files may come from anywhere, so before any
 * parsing: a size limit checked on the file's metadata (a 30 MB file is refused without reading
 * it), a bounded read (a file that grows meanwhile is still cut off), no devices or FIFOs, and
 * text that is UTF-8 without NUL or control characters. Each refusal is a located diagnostic.
 */
import { open, stat } from 'node:fs/promises';
import type { Diagnostic, DiagnosticCode } from './diagnostics';

/** Largest definition accepted, in bytes (1 MiB). */
export const MAX_DEFINITION_BYTES = 1024 * 1024;

export type SourceRead = { text: string } | { diagnostic: Diagnostic };

/** Reads a definition file as text, or says why it will not. Never throws. */
export async function readDefinitionSource(file: string): Promise<SourceRead> {
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) return refuse(file, 'FILE_UNREADABLE', 'is a directory, not a definition file');
    if (!info.isFile()) return refuse(file, 'FILE_UNREADABLE', 'is not a regular file (a device, socket or pipe)');
    size = info.size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return refuse(file, 'FILE_NOT_FOUND', 'file not found; check the path');
    return refuse(file, 'FILE_UNREADABLE', `cannot read the file (${code ?? (err as Error).message})`);
  }
  if (size > MAX_DEFINITION_BYTES) return refuse(file, 'FILE_TOO_LARGE', tooLarge(size));
  let bytes: Buffer;
  try {
    bytes = await readAtMost(file, MAX_DEFINITION_BYTES + 1);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return refuse(file, 'FILE_UNREADABLE', `cannot read the file (${code ?? (err as Error).message})`);
  }
  if (bytes.length > MAX_DEFINITION_BYTES) return refuse(file, 'FILE_TOO_LARGE', tooLarge(bytes.length, 'at least '));
  const problem = bytesProblem(bytes, file);
  return problem ? { diagnostic: problem } : { text: new TextDecoder('utf-8').decode(bytes) };
}

/** Problems a text has before it is parsed (size, binary content), or undefined. */
export function textProblem(text: string, file: string): Diagnostic | undefined {
  // Cheap upper bound first: a UTF-16 code unit is at most 3 UTF-8 bytes.
  if (text.length * 3 > MAX_DEFINITION_BYTES) {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_DEFINITION_BYTES) return refusal(file, 'FILE_TOO_LARGE', tooLarge(bytes));
  }
  const bad = NOT_TEXT_CHAR.exec(text);
  if (bad) {
    const code = bad[0].charCodeAt(0);
    const what = code === 0 ? 'a NUL byte' : `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    return refusal(
      file,
      'NOT_TEXT',
      `${what}: this looks like a binary file; a definition must be UTF-8 text`,
      positionIn(text, bad.index),
    );
  }
  return undefined;
}

/** Characters YAML does not allow in a document (C0/C1 controls other than tab, LF, CR and NEL; lone surrogates). */
// \p{Cc} is every C0/C1 control; the lookahead keeps tab, LF, CR and NEL, which YAML allows.
const NOT_TEXT_CHAR = /(?![\t\n\r\u0085])\p{Cc}|[\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

function bytesProblem(bytes: Buffer, file: string): Diagnostic | undefined {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return refusal(file, 'NOT_TEXT', 'the file is UTF-16 encoded; save it as UTF-8');
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const at = lenient.indexOf('\uFFFD');
    return refusal(
      file,
      'NOT_TEXT',
      'bytes that are not UTF-8: this looks like a binary file or another encoding; save it as UTF-8',
      positionIn(lenient, Math.max(at, 0)),
    );
  }
  return undefined;
}

async function readAtMost(file: string, limit: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(limit);
    let length = 0;
    while (length < limit) {
      const { bytesRead } = await handle.read(buffer, length, limit - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

function tooLarge(bytes: number, qualifier = ''): string {
  return `file is ${qualifier}${formatBytes(bytes)}; the limit for a definition is ${formatBytes(MAX_DEFINITION_BYTES)}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  const mib = bytes / (1024 * 1024);
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}

/** 1-based line and column of a character index. */
export function positionIn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - (before.lastIndexOf('\n') + 1) + 1 };
}

function refuse(file: string, code: DiagnosticCode, message: string): SourceRead {
  return { diagnostic: refusal(file, code, message) };
}

/** A whole-file diagnostic (empty path), at 1:1 unless a position is known. */
export function refusal(file: string, code: DiagnosticCode, message: string, at = { line: 1, column: 1 }): Diagnostic {
  return { file, line: at.line, column: at.column, path: '', code, message, severity: 'error' };
}
