/**
 * Refuses YAML nested absurdly deep before the parser sees it. The parser's memory and time grow
 * with nesting: 200 KB of `[` can exhaust the heap and abort the process, which no try/catch
 * stops. yaml's own Lexer is linear and flat in memory, so its tokens give the exact nesting (it
 * knows brackets inside quotes and block scalars are text) at a fraction of the cost.
 * Deep nesting across lines is bounded by indentation, which the size limit already caps.
 */
import { Lexer } from 'yaml';
import type { Diagnostic } from './diagnostics';
import { positionIn, refusal } from './source-guard';

/** Deepest flow nesting (`[[…`, `{{…`), and most block indicators on one line (`- - - …`), accepted. */
export const MAX_NESTING = 100;

/** Lexer tokens that mark structure and are not part of the source text. */
const CONTROL_TOKENS = new Set(['\x02', '\x18', '\x1f']);

export function nestingProblem(text: string, file: string): Diagnostic | undefined {
  let offset = 0;
  let flowDepth = 0;
  let indicatorsOnLine = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') flowDepth++;
    else if (token === ']' || token === '}') flowDepth = Math.max(0, flowDepth - 1);
    else if (token === '-' || token === '?' || token === ':') indicatorsOnLine++;
    else if (token.startsWith('\n') || token.startsWith('\r')) indicatorsOnLine = 0;
    if (flowDepth > MAX_NESTING || indicatorsOnLine > MAX_NESTING) {
      const message = `nested more than ${MAX_NESTING} levels deep here; a definition never needs that, so the file is not read further`;
      return refusal(file, 'NESTED_TOO_DEEP', message, positionIn(text, offset));
    }
    if (!CONTROL_TOKENS.has(token)) offset += token.length;
  }
  return undefined;
}
