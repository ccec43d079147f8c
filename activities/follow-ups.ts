/**
 * `recordFollowUp`: stores the result of a follow-up call (e.g. the 3-day confirmation or the
 * 7-day satisfaction call). One row per invocation, keyed by the activity's idempotency key.
 */
import { activityKey } from './idempotency';
import { inputObject, requiredString } from './input';
import { activityLogger } from './logger';
import { openStore } from './store';

export interface RecordFollowUpInput {
  caseId: string;
  /** Which follow-up, e.g. "confirmation-3d" or "satisfaction-7d". */
  kind: string;
  /** Any JSON value: what the customer said, a score, … */
  result?: unknown;
}

export interface RecordFollowUpResult {
  kind: string;
  /** When it was recorded; a retried attempt returns the first attempt's time. */
  recordedAt: string;
}

export async function recordFollowUp(input: RecordFollowUpInput): Promise<RecordFollowUpResult> {
  const fields = inputObject('recordFollowUp', input);
  const caseId = requiredString('recordFollowUp', fields, 'caseId', 'the case id');
  const kind = requiredString('recordFollowUp', fields, 'kind', 'which follow-up, e.g. "satisfaction-7d"');

  const key = activityKey();
  const result = fields.result === undefined ? null : JSON.stringify(fields.result);
  const { inserted, row } = await (
    await openStore()
  ).recordOnce<{ kind: string; at: string }>('follow_ups', { key, case_id: caseId, kind, result, at: new Date().toISOString() }, [
    'kind',
    'at',
  ]);
  activityLogger(key).info(inserted ? 'recordFollowUp: follow-up recorded' : 'recordFollowUp: already recorded by an earlier attempt', {
    caseId,
    kind: row.kind,
  });
  return { kind: row.kind, recordedAt: row.at };
}
