/**
 * YAML text → plain JSON, behind the guards every file from outside gets: binary text, nesting
 * depth, alias bombs, duplicate keys, a second document. Problems come back as located
 * diagnostics; the value comes with a locator from paths back to lines and columns.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type { Diagnostic, Locate, PathSegment } from './diagnostics';
import { formatPath } from './diagnostics';
import { nestingProblem } from './nesting-guard';
import { refusal, textProblem } from './source-guard';
import { sourceLocator } from './source-map';

/** Most YAML errors shown per file: after a few, the rest are usually echoes of the first. */
const MAX_YAML_ERRORS = 20;
/** Alias expansions allowed when building the value: enough for real reuse, far below a "billion laughs". */
const MAX_ALIAS_COUNT = 100;

export type ParsedSource = { value: unknown; locate: Locate } | { diagnostics: Diagnostic[] };

/**
 * YAML text → plain JSON with a locator back into the text, behind every guard (binary text,
 * nesting, alias bombs, duplicate keys, more than one document). `needs` and `example` finish
 * the messages for an empty file and a top level that is not a mapping.
 */
export function parseYamlSource(text: string, file: string, needs: string, example: string): ParsedSource {
  const problem = textProblem(text, file) ?? nestingProblem(text, file);
  if (problem) return { diagnostics: [problem] };
  if (text.trim() === '') return { diagnostics: [refusal(file, 'EMPTY_FILE', `the file is empty; ${needs}`)] };

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const yamlProblems = [...doc.errors, ...doc.warnings].slice(0, MAX_YAML_ERRORS).map((e) => yamlDiagnostic(e, doc, file, at(e.pos[0])));
  if (yamlProblems.length > 0) return { diagnostics: yamlProblems };

  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return { diagnostics: [refusal(file, 'EMPTY_FILE', `the file has no content (only comments); ${needs}`)] };
  }
  if (!isMap(doc.contents)) {
    const got = isSeq(doc.contents)
      ? 'a list'
      : isScalar(doc.contents)
        ? `a single value (${JSON.stringify(clip(String(doc.contents.value)))})`
        : 'something else';
    const start = doc.contents.range?.[0] ?? 0;
    return { diagnostics: [refusal(file, 'NOT_A_MAPPING', `the top level must be a mapping of keys ${example}, got ${got}`, at(start))] };
  }

  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), locate: sourceLocator(file, text, doc, lineCounter) };
  } catch (err) {
    if (!/alias/i.test(firstLine(err))) throw err;
    const message = `too many alias expansions (over ${MAX_ALIAS_COUNT}), as in a "billion laughs" attack; write the values out instead of nesting aliases`;
    return { diagnostics: [refusal(file, 'ALIAS_LIMIT', message, at(firstAliasOffset(doc)))] };
  }
}

function yamlDiagnostic(error: YAMLError, doc: Document, file: string, position: { line: number; column: number }): Diagnostic {
  // No path for syntax errors: in a broken document the node ranges are guesses.
  const base = { ...refusal(file, 'YAML_SYNTAX', ''), ...position };
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      const segments = pathAtOffset(doc.contents, error.pos[0]);
      const key = segments.length > 0 ? JSON.stringify(String(segments[segments.length - 1])) : 'this key';
      const message = `duplicate key ${key}: each key may appear once in a mapping; merge the entries or rename one`;
      return { ...base, path: formatPath(segments), code: 'DUPLICATE_KEY', message };
    }
    case 'MULTIPLE_DOCS':
      return { ...base, message: 'more than one YAML document (a second ---); keep one definition per file' };
    case 'RESOURCE_EXHAUSTION':
      return { ...base, message: 'the YAML is nested too deeply to read; flatten it' };
    default:
      return { ...base, message: `${lowerFirst(error.message)} (${error.code})` };
  }
}

/** The path of the deepest key or item whose source contains `offset`. */
function pathAtOffset(node: unknown, offset: number, path: PathSegment[] = []): PathSegment[] {
  if (path.length > 200) return path;
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (contains(pair.key, offset)) return [...path, key];
      if (contains(pair.value, offset)) return pathAtOffset(pair.value, offset, [...path, key]);
    }
  } else if (isSeq(node)) {
    const i = node.items.findIndex((item) => contains(item, offset));
    if (i >= 0) return pathAtOffset(node.items[i], offset, [...path, i]);
  }
  return path;
}

function contains(node: unknown, offset: number): boolean {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return !!range && range[0] <= offset && offset <= range[1];
}

function firstAliasOffset(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function firstLine(err: unknown): string {
  return ((err as Error)?.message ?? String(err)).split('\n')[0];
}
