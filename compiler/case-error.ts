/**
 * An error that must fail the case with a type of its own, thrown from inside the machine (a guard,
 * an action, a delay) and turned by the workflow into a non-retryable failure of that type.
 */
export type CaseErrorCode = 'EXPRESSION_FAILED' | 'LOOP_DETECTED' | 'DECISION_NOT_UNIQUE';
const CODES: readonly string[] = ['EXPRESSION_FAILED', 'LOOP_DETECTED', 'DECISION_NOT_UNIQUE'];

export class CaseError extends Error {
  override name = 'CaseError';
  constructor(
    readonly code: CaseErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The code of a `CaseError`, also across realms (the workflow sandbox), or undefined. */
export function caseErrorCode(err: unknown): CaseErrorCode | undefined {
  const code = (err as { name?: string; code?: string } | undefined)?.name === 'CaseError' ? (err as CaseError).code : undefined;
  return code !== undefined && CODES.includes(code) ? code : undefined;
}

/**
 * Runs `fn`; any error but a `CaseError` becomes EXPRESSION_FAILED naming the state and what was
 * evaluated. `report` hears of it first: XState wraps errors thrown in guards in a plain Error
 * (message kept, type lost), so the runtime learns the code this way.
 */
export function inState<T>(state: string, what: string, fn: () => T, report?: (err: CaseError) => void): T {
  try {
    return fn();
  } catch (err) {
    const code = caseErrorCode(err);
    if (code === 'DECISION_NOT_UNIQUE') {
      // Raised while a decision is evaluated, which knows no state: name the place here.
      const placed = new CaseError(code, `state ${state}, ${what}: ${(err as Error).message}`);
      report?.(placed);
      throw placed;
    }
    if (code) throw err;
    const reason = String((err as Error)?.message ?? err)
      .split('\n')[0]
      .slice(0, 500);
    const failure = new CaseError('EXPRESSION_FAILED', `state ${state}, ${what}: ${reason}`);
    report?.(failure);
    throw failure;
  }
}
