/**
 * Tamper evidence: SHA-256 over a canonical form of a history.
 *
 * The canonical form is the history parsed into Temporal's protobuf types and written back as
 * proto3 JSON (`historyToJSON`), with object keys sorted at every level and no whitespace. So
 * the digest does not depend on formatting, key order, map order or how the tool that wrote the
 * file spells enums and timestamps: a history exported by `docket history` and one written by
 * `temporal workflow show --output json` for the same run have the same digest. Every field
 * Temporal defines is covered; changing any event (a time, an actor, a payload byte) changes it.
 * Members Temporal does not define are not part of a history and are left out (replay ignores
 * them too).
 */
import { createHash } from 'node:crypto';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils';
import { canonicalJson } from '../dsl/hash';

/** `sha256:<64 hex digits>`. */
export type HistoryDigest = `sha256:${string}`;

export function canonicalHistory(history: History): string {
  return canonicalJson(JSON.parse(historyToJSON(history)));
}

export function historyDigest(history: History): HistoryDigest {
  return `sha256:${createHash('sha256').update(canonicalHistory(history)).digest('hex')}`;
}

/** True when `expected` names the same digest (with or without the `sha256:` prefix, any case). */
export function digestMatches(actual: HistoryDigest, expected: string): boolean {
  const strip = (d: string) =>
    d
      .trim()
      .toLowerCase()
      .replace(/^sha256:/, '');
  return strip(actual) === strip(expected);
}
