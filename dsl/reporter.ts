/**
 * Collects diagnostics from the validation passes: each pass reports a path, a code and a message,
 * and the reporter places it in the file. Reporting the same problem twice keeps one.
 */
import { formatPath, type Diagnostic, type DiagnosticCode, type Locate, type LocateOptions, type PathSegment } from './diagnostics';

export interface Reporter {
  report(code: DiagnosticCode, path: readonly PathSegment[], message: string, options?: LocateOptions): void;
  readonly diagnostics: Diagnostic[];
}

export function createReporter(locate: Locate): Reporter {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  return {
    diagnostics,
    report(code, path, message, options) {
      const shownPath = formatPath(path);
      const key = `${code}\u0000${shownPath}\u0000${message}`;
      if (seen.has(key)) return;
      seen.add(key);
      diagnostics.push({ ...locate(path, options), path: shownPath, code, message, severity: 'error' });
    },
  };
}
