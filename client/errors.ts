/** Errors the client SDK throws. Each sets `name` and carries what a caller needs to react. */
import type { Rejection, RejectionCode } from '../contract/wire';

/** The case refused an event; `code` names the rule it broke (see docs/error-codes.md). */
export class EventRejectedError extends Error {
  override name = 'EventRejectedError';
  readonly code: RejectionCode;
  readonly allowed?: string[];
  constructor(
    readonly caseId: string,
    readonly eventType: string,
    rejection: Rejection,
  ) {
    super(`${caseId}: ${rejection.message}`);
    this.code = rejection.code;
    this.allowed = rejection.allowed;
  }
}

/** No case with that id exists (or, with `runId`, the case has no such run). */
export class CaseNotFoundError extends Error {
  override name = 'CaseNotFoundError';
  constructor(
    readonly caseId: string,
    readonly runId?: string,
  ) {
    super(
      runId === undefined
        ? `no case with id "${caseId}"; list cases with \`docket list\``
        : `case "${caseId}" has no run "${runId}"; run ids are in \`docket list\` and the Web UI`,
    );
  }
}

/** The definition file could not be loaded or did not validate. */
export class DefinitionInvalidError extends Error {
  override name = 'DefinitionInvalidError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is not a valid definition:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** The start input does not match the definition's input schema. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
  constructor(
    readonly process: string,
    readonly problems: string[],
  ) {
    super(`input for process "${process}" does not match its input schema: ${problems.join('; ')}`);
  }
}

/** The process (or the version asked for) is not deployed on this task queue. */
export class DefinitionNotFoundError extends Error {
  override name = 'DefinitionNotFoundError';
  constructor(
    readonly process: string,
    message: string,
  ) {
    super(message);
  }
}

/** The registry refused a deployment or a rollback; `problems` names each one. */
export class DeployRefusedError extends Error {
  override name = 'DeployRefusedError';
  constructor(
    readonly code: string,
    message: string,
    readonly problems: string[],
  ) {
    super(message);
  }
}

/**
 * Temporal could not say whether an event was applied (a timeout, an unavailable server, a failed
 * workflow task) and the retries with the same update id ran out. Nothing is applied twice: send
 * the event again with `updateId` (CLI `--update-id`) and Temporal answers with the first result
 * if it was applied, or applies it now if it was not.
 */
export class EventOutcomeUnknownError extends Error {
  override name = 'EventOutcomeUnknownError';
  constructor(
    readonly caseId: string,
    readonly eventType: string,
    readonly updateId: string,
    readonly reason: string,
    /** Set when the case's workflow task is failing (see `StateView.stuck`). */
    readonly stuck?: { attempts: number; cause: string; message: string },
  ) {
    super(
      `${caseId}: whether ${eventType} was applied is not known (${reason})` +
        (stuck ? `; the case is stuck: its workflow task is on attempt ${stuck.attempts} (${stuck.cause}: ${stuck.message})` : '') +
        `; send it again with update id ${updateId} to apply it at most once`,
    );
  }
}

/**
 * A call drove the case into `failed` (the event was applied, or the case failed as it started):
 * never a success. `code` and `reason` are what `docket result` and the state view's `failure`
 * say (e.g. LOOP_DETECTED, PROCESS_FAILED); `result` is what the event did, when there was one.
 */
export class CaseFailedError extends Error {
  override name = 'CaseFailedError';
  constructor(
    readonly caseId: string,
    readonly code: string,
    readonly reason: string,
    /** The event that was applied when the case failed; undefined when it failed at its start. */
    readonly eventType?: string,
    readonly result?: import('../contract/wire').EventResult,
  ) {
    super(`${eventType ? `${eventType} was applied and ` : ''}case ${caseId} failed (${code}): ${reason}`);
  }
}

/**
 * `waitUntilSettled` ran out of time: the case still had work pending (`pending` says what, e.g.
 * an activity on its fifth attempt), or it settled in other states than the one waited for.
 */
export class CaseNotSettledError extends Error {
  override name = 'CaseNotSettledError';
  constructor(
    readonly caseId: string,
    /** What kept it from settling, or the states it settled in. */
    readonly reason: string,
    /** How long it waited; absent when waiting could not help (the case closed elsewhere). */
    readonly timeoutMs?: number,
  ) {
    const after = timeoutMs === undefined ? '' : ` after ${timeoutMs / 1000} s`;
    super(`case ${caseId} ${reason}${after}; \`docket state ${caseId}\` shows where it is`);
  }
}
