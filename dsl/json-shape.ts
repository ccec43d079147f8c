/**
 * Guards for reading a definition that may not match its schema yet. The semantic checks run
 * even when the schema check failed (so one run shows every problem); they use these to skip
 * parts of the wrong shape instead of crashing on them.
 */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value as a record, or an empty one when it is anything else. */
export function asRecord(value: unknown): JsonRecord {
  return isRecord(value) ? value : {};
}

/** The string members of a list, with their indexes; nothing when it is not a list. */
export function stringItems(value: unknown): Array<[number, string]> {
  if (!Array.isArray(value)) return [];
  const out: Array<[number, string]> = [];
  value.forEach((item, i) => {
    if (typeof item === 'string') out.push([i, item]);
  });
  return out;
}

/** The string-valued members of a record. */
export function stringEntries(value: unknown): Array<[string, string]> {
  return Object.entries(asRecord(value)).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
}

/** Own keys only: `hasOwn({}, 'constructor')` is false, so names like "constructor" are not "declared". */
export function hasOwn(record: JsonRecord, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/**
 * The member `key` of a record when it is the record's own, else undefined: lookups keyed by
 * caller or definition text (event types, state names, decision names) go through this, so
 * `toString`, `constructor` or `__proto__` are unknown names like any other.
 */
export function own<T>(record: Record<string, T> | undefined | null, key: string): T | undefined {
  return record != null && typeof record === 'object' && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
