/**
 * The failure an Update validator throws to refuse an event: typed with the rejection's code, the
 * rejection itself in `details` (what every SDK reads), never retried.
 *
 * Without a stack trace, on purpose. A refusal is an answer, not a bug: the validator's frames
 * tell the caller nothing. And reading an error's `stack` in the workflow sandbox is costly: the
 * SDK formats it through the bundle's source map (`@temporalio/worker` vm-shared.js
 * `Error.prepareStackTrace`), which the failure converter does for every refused Update, and a
 * busy case refuses events often ("not allowed in this state yet"). Setting `stack` first means it
 * is never formatted.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { Rejection } from '../contract/wire';

export function refusal(rejection: Rejection): ApplicationFailure {
  const failure = ApplicationFailure.create({
    message: rejection.message,
    type: rejection.code,
    details: [rejection],
    nonRetryable: true,
  });
  failure.stack = `ApplicationFailure: ${rejection.message}`;
  return failure;
}
