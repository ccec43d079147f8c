/**
 * Errors of the audit tools. Each sets `name` and a `code` from `AuditErrorCode`, and its message
 * names the file it is about, so the CLI prints it as one line (exit code 1).
 */

/**
 * - `FILE_UNREADABLE`: the file does not exist or cannot be read.
 * - `NOT_JSON`: the file is not JSON.
 * - `NOT_A_HISTORY`: JSON, but not `{ events: [...] }` as `docket history` or `temporal workflow show --output json` write.
 * - `NOT_A_DOCKET_CASE`: a Temporal history, but not of docket's `process` workflow; or a case run
 *   whose definition is not recorded: one recorded before start-by-name (no resolveDefinition
 *   step; the message points at docs/guide.md "Cases started before start-by-name"), or one that failed
 *   or was exported before its resolveDefinition step completed.
 * - `NO_HISTORIES`: a directory without any `.json` file.
 * - `DEFINITION_TAMPERED`: the definition recorded in the history does not match its recorded hash.
 */
export type AuditErrorCode =
  'FILE_UNREADABLE' | 'NOT_JSON' | 'NOT_A_HISTORY' | 'NOT_A_DOCKET_CASE' | 'NO_HISTORIES' | 'DEFINITION_TAMPERED';

export class AuditError extends Error {
  override name = 'AuditError';
  constructor(
    readonly code: AuditErrorCode,
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}
