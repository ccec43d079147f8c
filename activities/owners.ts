/**
 * Case registry activities: who owns a case, and which department a part of it was handed to.
 * Both write one row keyed by the activity's idempotency key, so a retried attempt records
 * nothing new and returns what the first attempt recorded.
 */
import { activityKey } from './idempotency';
import { inputObject, optionalString, requiredString } from './input';
import { activityLogger } from './logger';
import { openStore } from './store';

export interface AssignOwnerInput {
  caseId: string;
  owner: string;
  /** The owner's role in the process (e.g. "agent"). */
  role?: string;
}

/** Records `owner` as the case's current owner (ownership history is kept). */
export async function assignOwner(input: AssignOwnerInput): Promise<{ owner: string }> {
  const fields = inputObject('assignOwner', input);
  const caseId = requiredString('assignOwner', fields, 'caseId', 'the case id');
  const owner = requiredString('assignOwner', fields, 'owner', 'who takes ownership of the case');
  const role = optionalString('assignOwner', fields, 'role');

  const key = activityKey();
  const { inserted, row } = await (
    await openStore()
  ).recordOnce<{ owner: string }>(
    'case_owners',
    { key, case_id: caseId, owner, role: role ?? null, assigned_at: new Date().toISOString() },
    ['owner'],
  );
  activityLogger(key).info(inserted ? 'assignOwner: owner recorded' : 'assignOwner: already recorded by an earlier attempt', {
    caseId,
    owner: row.owner,
  });
  return { owner: row.owner };
}

export interface TransferCaseInput {
  caseId: string;
  department: string;
  /** The named person in that department who takes it over. */
  contact: string;
  /** What the department is asked to do. */
  need?: string;
}

/** Records the hand-over of (part of) a case to a department and a named contact. */
export async function transferCase(input: TransferCaseInput): Promise<{ department: string; contact: string }> {
  const fields = inputObject('transferCase', input);
  const caseId = requiredString('transferCase', fields, 'caseId', 'the case id');
  const department = requiredString('transferCase', fields, 'department', 'the department taking it over');
  const contact = requiredString('transferCase', fields, 'contact', 'the named contact in that department');
  const need = optionalString('transferCase', fields, 'need');

  const key = activityKey();
  const { inserted, row } = await (
    await openStore()
  ).recordOnce<{ department: string; contact: string }>(
    'transfers',
    { key, case_id: caseId, department, contact, need: need ?? null, at: new Date().toISOString() },
    ['department', 'contact'],
  );
  activityLogger(key).info(inserted ? 'transferCase: transfer recorded' : 'transferCase: already recorded by an earlier attempt', {
    caseId,
    ...row,
  });
  return { department: row.department, contact: row.contact };
}
