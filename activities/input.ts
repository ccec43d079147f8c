/**
 * Checks an activity's input (the invoke's evaluated `with:` map). A bad input is the definition
 * author's mistake, not a transient fault, so it fails with a non-retryable
 * `ApplicationFailure` of type `INVALID_ACTIVITY_INPUT` instead of being retried.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityName } from './catalog';

export const INVALID_ACTIVITY_INPUT = 'INVALID_ACTIVITY_INPUT';

const FIX = "set it in the invoke's with: map";

/** Fails the activity for a malformed input, not retried (for checks the helpers below do not cover). */
export function invalidInput(activity: ActivityName, message: string): never {
  return fail(activity, message);
}

function fail(activity: ActivityName, message: string): never {
  throw ApplicationFailure.nonRetryable(`${activity}: ${message}`, INVALID_ACTIVITY_INPUT);
}

function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** The input must be one object (the `with:` map). */
export function inputObject(activity: ActivityName, input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    fail(activity, `expected one object (the invoke's with: map), got ${input === undefined ? 'nothing' : show(input)}`);
  }
  return input as Record<string, unknown>;
}

/** A required, non-empty string; `hint` says what it is, e.g. "the recipient". */
export function requiredString(activity: ActivityName, input: Record<string, unknown>, field: string, hint: string): string {
  const value = input[field];
  if (value === undefined || value === null) fail(activity, `missing "${field}" (${hint}); ${FIX}`);
  if (typeof value !== 'string') fail(activity, `"${field}" (${hint}) must be a string, got ${show(value)}; ${FIX}`);
  if (value.trim() === '') fail(activity, `"${field}" (${hint}) is empty; ${FIX}`);
  return value;
}

/** An optional string: absent (undefined or null) is fine, any other non-string is not. */
export function optionalString(activity: ActivityName, input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(activity, `"${field}" must be a string, got ${show(value)}; ${FIX}`);
  return value;
}

/** An optional object (absent is fine), e.g. the input of a case to start. */
export function optionalObject(
  activity: ActivityName,
  input: Record<string, unknown>,
  field: string,
  hint: string,
): Record<string, unknown> | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    fail(activity, `"${field}" (${hint}) must be an object, got ${show(value)}; ${FIX}`);
  return value as Record<string, unknown>;
}

/** A required whole number at or above `min`; `hint` says what it is. */
export function requiredInteger(activity: ActivityName, input: Record<string, unknown>, field: string, hint: string, min = 0): number {
  const value = input[field];
  if (value === undefined || value === null) fail(activity, `missing "${field}" (${hint}); ${FIX}`);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(activity, `"${field}" (${hint}) must be a whole number of at least ${min}, got ${show(value)}; ${FIX}`);
  }
  return value;
}
