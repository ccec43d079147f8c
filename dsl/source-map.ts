/**
 * From a path into the definition (`['states', 'review', 'on', 'APPROVE', 0, 'target']`) back to
 * a line and column in the YAML source, through the parsed document's node ranges. A path that
 * does not exist in the file (a missing key) lands on its nearest existing ancestor.
 */
import { isAlias, isMap, isScalar, isSeq, Scalar, type Document, type LineCounter } from 'yaml';
import type { Locate, LocateOptions, PathSegment } from './diagnostics';

export function sourceLocator(file: string, source: string, doc: Document, lineCounter: LineCounter): Locate {
  return (path, options) => {
    const { line, col } = lineCounter.linePos(sourceOffset(doc, source, path, options ?? {}));
    return { file, line, column: col };
  };
}

function sourceOffset(doc: Document, source: string, path: readonly PathSegment[], options: LocateOptions): number {
  let node: unknown = doc.contents;
  let best = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(segment));
      if (!pair) return best;
      const keyStart = rangeStart(pair.key);
      if (last && options.key && keyStart !== undefined) return keyStart;
      node = pair.value;
      // `key:` with nothing after it: point at the key, not at the end of the line.
      const valueStart = isEmptyScalar(node) ? undefined : rangeStart(node);
      best = valueStart ?? keyStart ?? best;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      node = node.items[segment];
      best = rangeStart(node) ?? best;
    } else {
      return best;
    }
  }
  if (options.offset !== undefined && isScalar(node)) return offsetInside(node, source, options.offset) ?? best;
  return best;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? range[0] : undefined;
}

function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && node.value === null && (!node.range || node.range[0] === node.range[1]);
}

/**
 * The source offset of character `offset` of a scalar's value, when the source spells the value
 * out verbatim up to there (plain, quoted without escapes before it, or literal block).
 */
function offsetInside(node: Scalar, source: string, offset: number): number | undefined {
  if (!node.range || typeof node.value !== 'string') return undefined;
  const start = node.range[0];
  const value = node.value;
  const before = value.slice(0, offset);
  switch (node.type) {
    case Scalar.PLAIN:
      return source.startsWith(before, start) ? start + offset : undefined;
    case Scalar.QUOTE_DOUBLE:
    case Scalar.QUOTE_SINGLE:
      return source.startsWith(before, start + 1) ? start + 1 + offset : undefined;
    case Scalar.BLOCK_LITERAL:
      return offsetInLiteralBlock(source.slice(start, node.range[1]), start, before);
    default:
      return undefined;
  }
}

function offsetInLiteralBlock(raw: string, start: number, before: string): number | undefined {
  const lines = raw.split('\n');
  const content = lines.slice(1);
  const firstText = content.find((l) => l.trim() !== '');
  if (firstText === undefined) return undefined;
  const indent = firstText.length - firstText.trimStart().length;
  const lineIndex = before.split('\n').length - 1;
  const column = before.length - (before.lastIndexOf('\n') + 1);
  const line = content[lineIndex];
  if (line === undefined || !line.startsWith(before.slice(before.length - column), indent)) return undefined;
  let offset = start + lines[0].length + 1;
  for (let i = 0; i < lineIndex; i++) offset += content[i].length + 1;
  return offset + indent + column;
}
