/**
 * What a person most likely meant when a CEL expression does not parse or names an unknown
 * variable: words from other languages (`and`, `or`, `not`), `=` for `==`, `<>`, `=>`, `===`,
 * `True`/`None`. The parser names the character where it stopped (`Unexpected character: 'd'`
 * for `a and b`); this names the part that is wrong and the form to write. Pure.
 */

export interface CelHint {
  /** Where the wrong part starts in the expression. */
  offset: number;
  message: string;
}

/** A hint for a parse problem, or undefined when none of the usual slips is there. */
export function celSyntaxHint(source: string, parserMessage: string): CelHint | undefined {
  const code = blankStrings(source);
  const word = /\b(and|or|not|AND|OR|NOT|And|Or|Not)\b/.exec(code);
  if (word) {
    const op = { and: '&&', or: '||', not: '!' }[word[1].toLowerCase() as 'and' | 'or' | 'not'];
    return { offset: word.index, message: `"${word[1]}" is not CEL: write ${op}` };
  }
  const rules: Array<[RegExp, string]> = [
    [/===/, '"===" is not CEL: compare with =='],
    [/!==/, '"!==" is not CEL: compare with !='],
    [/=>/, '"=>" is not CEL: write >='],
    [/=</, '"=<" is not CEL: write <='],
    [/<>/, '"<>" is not CEL: write !='],
    [/(?<![=!<>])=(?!=)/, 'a single "=" is not a comparison: write == (expressions cannot assign; use assign: for that)'],
  ];
  for (const [pattern, message] of rules) {
    const m = pattern.exec(code);
    if (m) return { offset: m.index, message };
  }
  if (/EOF/.test(parserMessage)) {
    return {
      offset: source.trimEnd().length,
      message: `the expression ends too early: something is missing after \`${source.trim().slice(-20)}\``,
    };
  }
  return undefined;
}

/** The CEL spelling of a constant written as in another language (`True`, `None`, `NULL`), or undefined. */
export function constantHint(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (name !== lower && (lower === 'true' || lower === 'false' || lower === 'null')) return lower;
  if (name === 'None' || name === 'nil' || name === 'undefined') return 'null';
  return undefined;
}

/** The expression with the contents of its string literals blanked, so words inside quotes are not hints. */
function blankStrings(source: string): string {
  return source.replace(/("([^"\\]|\\.)*"|'([^'\\]|\\.)*')/g, (s) => s[0] + ' '.repeat(Math.max(0, s.length - 2)) + s[s.length - 1]);
}
