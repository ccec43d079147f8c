/**
 * Reading the documentation as the tests check it: the pages (README.md and docs/*.md), their
 * heading anchors as GitHub renders them, their relative links, and their ```sh code blocks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** README.md and every docs/*.md, relative to the repository root. */
export function docPages(): string[] {
  return [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => `docs/${f}`),
  ];
}

/** The lines of a page outside fenced code blocks, with their 1-based line numbers. */
function proseLines(text: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let fence = false;
  text.split('\n').forEach((line, i) => {
    if (line.startsWith('```')) fence = !fence;
    else if (!fence) out.push([i + 1, line]);
  });
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces to `-`; repeats get `-1`, `-2` … */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, line] of proseLines(text)) {
    const m = /^#{1,6} (.*)$/.exec(line);
    if (!m) continue;
    const base = m[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\- _]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

export interface Link {
  line: number;
  target: string;
}

/** Relative links `[text](target)` outside code blocks (not http:, mailto: …). */
export function relativeLinks(text: string): Link[] {
  const links: Link[] = [];
  for (const [line, content] of proseLines(text)) {
    for (const m of content.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(m[1])) links.push({ line, target: m[1] });
    }
  }
  return links;
}

export interface ShellBlock {
  page: string;
  /** Line of the opening fence. */
  line: number;
  code: string;
  /** The reason of a `<!-- docs-test: skip REASON -->` comment on the last non-blank line before the fence, if any. */
  skip?: string;
}

/** The ```sh blocks of a page. */
export function shellBlocks(page: string): ShellBlock[] {
  const lines = readFileSync(join(ROOT, page), 'utf8').split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```sh') continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const marker = /<!-- docs-test: skip (.+?) -->/.exec(lines[before] ?? '');
    blocks.push({ page, line: i + 1, code: lines.slice(i + 1, end).join('\n'), skip: marker?.[1] });
    i = end;
  }
  return blocks;
}

export interface TranscriptCommand {
  /** Line of the `$ ` line. */
  line: number;
  command: string;
  /** The output shown under it, up to the next `$ ` line or the fence. */
  output: string;
}

export interface TranscriptBlock {
  page: string;
  /** Line of the opening fence. */
  line: number;
  commands: TranscriptCommand[];
  skip?: string;
}

/**
 * The transcript blocks of a page: fenced blocks other than ```sh (plain ``` or ```text/console)
 * whose first line is a command, `$ …`, followed by its output; a block may hold several commands.
 */
export function transcriptBlocks(page: string): TranscriptBlock[] {
  const lines = readFileSync(join(ROOT, page), 'utf8').split('\n');
  const blocks: TranscriptBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('```')) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    const lang = lines[i].slice(3).trim();
    if (!['', 'text', 'console', 'shell-session'].includes(lang) || !lines[i + 1]?.startsWith('$ ')) {
      i = end;
      continue;
    }
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const marker = /<!-- docs-test: skip (.+?) -->/.exec(lines[before] ?? '');
    const commands: TranscriptCommand[] = [];
    for (let j = i + 1; j < end; j++) {
      if (lines[j].startsWith('$ ')) commands.push({ line: j + 1, command: lines[j].slice(2), output: '' });
      else commands[commands.length - 1].output += `${lines[j]}\n`;
    }
    blocks.push({ page, line: i + 1, commands, skip: marker?.[1] });
    i = end;
  }
  return blocks;
}
