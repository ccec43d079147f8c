/**
 * Parses the flag values commander leaves as strings: JSON payloads, `--as` actors, counts and
 * ports. Each failure is a `UsageError` that names the flag, says what is wrong and what to type.
 */
import { readFile } from 'node:fs/promises';
import type { Actor } from '../contract/wire';

/** A flag or argument has a value the command cannot use. Printed as one line, exit code 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const NAME = /^[A-Za-z0-9_-]+$/;

/**
 * `--as role:actorId`, several roles joined by commas: `lead,agent:alice`.
 * The actor id is everything after the first colon, so ids may contain colons themselves.
 */
export function parseActor(text: string, flag = '--as'): Actor {
  const colon = text.indexOf(':');
  const example = `e.g. ${flag} agent:alice, or several roles: ${flag} lead,agent:alice`;
  if (colon < 0) throw new UsageError(`${flag} "${text}": expected role:actorId (${example})`);
  const roles = text
    .slice(0, colon)
    .split(',')
    .map((r) => r.trim());
  const id = text.slice(colon + 1).trim();
  if (roles.some((r) => r === '')) throw new UsageError(`${flag} "${text}": a role is missing before the colon (${example})`);
  const bad = roles.find((r) => !NAME.test(r));
  if (bad !== undefined) throw new UsageError(`${flag} "${text}": role "${bad}" may only use letters, digits, _ and - (${example})`);
  if (!id) throw new UsageError(`${flag} "${text}": the actor id after the colon is missing (${example})`);
  return { id, roles: [...new Set(roles)] };
}

/**
 * Parses a JSON object given on the command line (`source` names it in messages, e.g. `--data`).
 * Says where the JSON breaks as line and column, and how to quote it in a shell.
 */
export function parseJsonObject(text: string, source: string, example = `'{"note": "called back"}'`): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `${source} is not valid JSON: ${describeJsonError(text, (err as Error).message)}; ` +
        `keys and strings need double quotes, and the whole value single quotes in the shell, e.g. ${example}`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(
      `${source} must be a JSON object ({…}), got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}; e.g. ${example}`,
    );
  }
  return value as Record<string, unknown>;
}

/** Reads and parses a JSON object from a file, naming the flag and the file in every message. */
export async function readJsonObjectFile(path: string, flag: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new UsageError(`${flag} "${path}": cannot read the file: ${reason}`);
  }
  return parseJsonObject(text, `${flag} ${path}`, 'a file holding {"customerId": "C-1", …}');
}

/** `--limit`, `--port`: a whole number within bounds. */
export function parseInteger(text: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} "${text}": expected a whole number, ${range}`);
  }
  return n;
}

/** Node's JSON.parse message with the position turned into line and column. */
function describeJsonError(text: string, message: string): string {
  const match = /^(.*?)(?: in JSON)? at position (\d+)/.exec(message);
  let what = match ? match[1] : message;
  let position = match ? Number(match[2]) : undefined;
  if (/^Unexpected end of JSON input/.test(message)) {
    what = text.trim() === '' ? 'the value is empty' : 'it ends too early (an unclosed bracket or quote?)';
    position = text.length;
  }
  if (position === undefined) {
    // "Unexpected token 'a', "abc" is not valid JSON": the bad token is the first character that cannot start JSON.
    const token = /^Unexpected token '(.)'/.exec(message);
    if (token) {
      what = `unexpected ${JSON.stringify(token[1])}`;
      position = text.indexOf(token[1]);
    }
  }
  if (position === undefined || position < 0) return what;
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `${lowerFirst(what)} at line ${line} column ${column}`;
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** `--version 3` or a definition hash (8 to 64 hex characters): a number for short digit strings, else the hash. */
export function parseVersion(text: string, flag = 'version'): number | string {
  const value = text.trim().toLowerCase();
  if (/^[1-9][0-9]{0,6}$/.test(value)) return Number(value);
  if (/^[0-9a-f]{8,64}$/.test(value)) return value;
  throw new UsageError(
    `${flag} "${text}": give a version number (1, 2, …) or a definition hash of 8 to 64 hex characters (see \`docket definitions\`)`,
  );
}
