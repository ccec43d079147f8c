/**
 * Definition files can come from anyone. Whatever is in them, loading ends quickly with located
 * diagnostics and never throws: oversized files are refused from their size alone, binary files
 * before parsing, alias bombs while building the value, deep nesting by the parser's limits.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDefinitionFile, loadDefinitionText, MAX_DEFINITION_BYTES, type Diagnostic, type LoadResult } from '../../../dsl';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'docket-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const summary = (d: Diagnostic) => `${d.code} ${d.line}:${d.column} ${d.message}`;

/**
 * Loads a file, asserting it does not throw and is refused with located diagnostics. No clock:
 * a loader that hung or backtracked on the file would not finish, and Jest's timeout says so.
 */
async function loadRefused(file: string): Promise<LoadResult> {
  const result = await loadDefinitionFile(file);
  expect(result.definition).toBeUndefined();
  expect(result.diagnostics.length).toBeGreaterThan(0);
  for (const d of result.diagnostics) {
    expect(d.file).toBe(file);
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
  }
  return result;
}

function write(name: string, content: string | Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** Deterministic "random" bytes (a linear congruential generator), so a failure can be replayed. */
function pseudoRandomBytes(length: number, seed = 42): Buffer {
  const out = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

describe('hostile definition files', () => {
  it('refuses a 30 MB file from its size, without reading it into memory', async () => {
    const file = join(dir, 'huge.yaml');
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    const fd = openSync(file, 'w');
    try {
      writeSync(fd, 'title: ');
      for (let i = 0; i < 30; i++) writeSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
    const heapBefore = process.memoryUsage().heapUsed;
    const { diagnostics } = await loadRefused(file);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(10 * 1024 * 1024);
    expect(diagnostics.map(summary)).toEqual(['FILE_TOO_LARGE 1:1 file is 30.0 MiB; the limit for a definition is 1 MiB']);
  });

  it('refuses text over the limit before parsing it', () => {
    const { diagnostics } = loadDefinitionText(`title: ${'a'.repeat(MAX_DEFINITION_BYTES)}`, 'big.yaml');
    expect(diagnostics.map((d) => d.code)).toEqual(['FILE_TOO_LARGE']);
  });

  it('reports random binary bytes as not text, at the first bad byte', async () => {
    const bytes = Buffer.concat([Buffer.from('process: x\ntitle: '), pseudoRandomBytes(64 * 1024)]);
    const { diagnostics } = await loadRefused(write('random.bin.yaml', bytes));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'NOT_TEXT', line: 2 });
    expect(diagnostics[0].message).toMatch(/binary file|not UTF-8/);
  });

  it('locates a NUL byte', async () => {
    const { diagnostics } = await loadRefused(write('nul.yaml', 'process: x\ntitle: a\u0000b\n'));
    expect(diagnostics.map(summary)).toEqual(['NOT_TEXT 2:9 a NUL byte: this looks like a binary file; a definition must be UTF-8 text']);
  });

  it('locates bytes that are not UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('process: x\ntitle: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const { diagnostics } = await loadRefused(write('latin1.yaml', bytes));
    expect(diagnostics.map(summary)).toEqual([
      'NOT_TEXT 2:11 bytes that are not UTF-8: this looks like a binary file or another encoding; save it as UTF-8',
    ]);
  });

  it('names UTF-16 for what it is', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('process: x\n', 'utf16le')]);
    const { diagnostics } = await loadRefused(write('utf16.yaml', utf16));
    expect(diagnostics.map(summary)).toEqual(['NOT_TEXT 1:1 the file is UTF-16 encoded; save it as UTF-8']);
  });

  it('stops a "billion laughs" alias bomb at the first alias', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const { diagnostics } = await loadRefused(write('bomb.yaml', levels.join('\n')));
    expect(diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(['ALIAS_LIMIT 2:8']);
  });

  it('reports every YAML syntax error, located', async () => {
    const { diagnostics } = await loadRefused(write('syntax.yaml', 'process: x\ntitle: a: b\nroles:\n\t- agent\n'));
    expect(diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(SYNTAX_ERRORS);
  });

  it('reports a duplicate key with its own code, at the second occurrence', async () => {
    const { diagnostics } = await loadRefused(write('dup.yaml', 'process: x\ntitle: a\ntitle: b\n'));
    expect(diagnostics.map((d) => `${d.code} ${d.line}:${d.column} ${d.path}`)).toEqual(['DUPLICATE_KEY 3:1 title']);
  });

  it.each([
    ['a list', '- a\n- b\n', 'got a list'],
    ['a scalar', 'just some words\n', 'got a single value ("just some words")'],
    ['a number', '42\n', 'got a single value ("42")'],
  ])('refuses %s at the top level', async (_, text, got) => {
    const { diagnostics } = await loadRefused(write('root.yaml', text));
    expect(diagnostics.map(summary)).toEqual([`NOT_A_MAPPING 1:1 the top level must be a mapping of keys (process: …, title: …), ${got}`]);
  });

  it.each([
    ['empty', ''],
    ['whitespace only', '  \n\n\t\n'],
    ['comments only', '# nothing here\n# yet\n'],
  ])('reports an %s file as empty', async (_, text) => {
    const { diagnostics } = await loadRefused(write('empty.yaml', text));
    expect(diagnostics.map((d) => d.code)).toEqual(['EMPTY_FILE']);
  });

  it('refuses more than one document per file', async () => {
    const { diagnostics } = await loadRefused(write('multi.yaml', 'process: a\n---\nprocess: b\n'));
    expect(diagnostics.map(summary)).toEqual(['YAML_SYNTAX 2:1 more than one YAML document (a second ---); keep one definition per file']);
  });

  // 200 KB of `[` is enough to make the YAML parser exhaust the heap and abort the process.
  it.each([
    ['flow brackets', `title: ${'['.repeat(1_000_000)}`, 'NESTED_TOO_DEEP 1:108'],
    ['block list markers on one line', `title:\n  ${'- '.repeat(500_000)}x`, 'NESTED_TOO_DEEP 2:203'],
    ['brackets inside a quoted string (just text)', `title: "${'['.repeat(500_000)}"`, 'MISSING_KEY 1:1'],
  ])('refuses nesting deep enough to crash the parser: %s', async (_, text, expected) => {
    const { diagnostics } = await loadRefused(write('deep.yaml', text));
    expect(`${diagnostics[0].code} ${diagnostics[0].line}:${diagnostics[0].column}`).toBe(expected);
  });

  it('survives deeply nested states', async () => {
    let states = 'done:\n  type: final\n';
    for (let i = 0; i < 400; i++) states = `s${i}:\n  initial: ${i === 0 ? 'done' : `s${i - 1}`}\n  states:\n${indent(states)}`;
    const text = `process: deep\ntitle: Deep\nroles: []\ninitial: s399\nstates:\n${indent(states)}`;
    const { diagnostics } = await loadRefused(write('deep-states.yaml', text));
    expect(diagnostics.length).toBeGreaterThan(0);
  });

  it('keeps __proto__ keys as data, without polluting prototypes', async () => {
    const text = 'process: x\ntitle: X\nroles: []\ninitial: a\n__proto__:\n  polluted: true\nstates:\n  a: { type: final, outcome: ok }\n';
    const { diagnostics } = await loadRefused(write('proto.yaml', text));
    expect(diagnostics.map((d) => `${d.code} ${d.path}`)).toEqual(['UNKNOWN_KEY __proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports a missing file and a directory instead of throwing', async () => {
    const missing = await loadDefinitionFile(join(dir, 'nope.yaml'));
    expect(missing.diagnostics.map(summary)).toEqual(['FILE_NOT_FOUND 1:1 file not found; check the path']);
    const directory = await loadDefinitionFile(dir);
    expect(directory.diagnostics.map(summary)).toEqual(['FILE_UNREADABLE 1:1 is a directory, not a definition file']);
  });
});

const SYNTAX_ERRORS = ['YAML_SYNTAX 2:8', 'YAML_SYNTAX 4:1'];

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}
