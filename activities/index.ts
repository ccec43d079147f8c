/**
 * The activities the worker registers, one per name in the catalog (`ACTIVITY_CATALOG`), plus
 * the store's read helpers for the CLI and tests.
 *
 * Every activity takes one object (the invoke's evaluated `with:` map), rejects a bad one with a
 * non-retryable `INVALID_ACTIVITY_INPUT` failure, and keys its side effect by
 * workflow id + run id + activity id, so a retry never does it twice.
 *
 * @example
 *   // worker
 *   Worker.create({ activities, ... });
 *   // workflow code (types only)
 *   import type { activities } from '../activities';
 *   const { notify } = proxyActivities<typeof activities>({ startToCloseTimeout: '30s' });
 */
import { assignOwner, transferCase } from './owners';
import { notify } from './notify';
import { recordFollowUp } from './follow-ups';
import { signalProcess } from './signal-process';
import { startProcess } from './start-process';
import { countCases } from './count-cases';
import { issueRefund } from './refunds';
import { checkHealth, setTrafficWeight } from './traffic';
import type { ActivityName } from './catalog';

export const activities = {
  notify,
  assignOwner,
  transferCase,
  recordFollowUp,
  signalProcess,
  startProcess,
  countCases,
  issueRefund,
  setTrafficWeight,
  checkHealth,
} satisfies Record<ActivityName, (input: never) => Promise<unknown>>;

export {
  notify,
  assignOwner,
  transferCase,
  recordFollowUp,
  signalProcess,
  startProcess,
  countCases,
  issueRefund,
  setTrafficWeight,
  checkHealth,
};
export type { CountCasesInput, CountCasesResult } from './count-cases';
export type { CategoryRun } from './category-runs';
export type { IssueRefundInput, IssueRefundResult, RefundPayment } from './refunds';
export { refundLedger, REFUND_CONFLICT, DEFAULT_CURRENCY } from './refunds';
export type { SetTrafficWeightInput, SetTrafficWeightResult, CheckHealthInput, HealthMeasurement } from './traffic';
export {
  ROUTER_UNAVAILABLE,
  ROUTER_REFUSED,
  METRICS_UNAVAILABLE,
  METRICS_REFUSED,
  WORKER_MISCONFIGURED,
  DEFAULT_ROUTER_TIMEOUT_MS,
} from './traffic';
export type { NotifyInput, NotifyResult } from './notify';
export { WEBHOOK_FAILED, DEFAULT_WEBHOOK_TIMEOUT_MS } from './notify';
export type { AssignOwnerInput, TransferCaseInput } from './owners';
export type { RecordFollowUpInput, RecordFollowUpResult } from './follow-ups';
export { INVALID_ACTIVITY_INPUT } from './input';
export { activityKey } from './idempotency';
export {
  openStore,
  migrateStore,
  closeStore,
  storePath,
  storeLocation,
  sqliteStore,
  getStore,
  listOutbox,
  currentOwner,
  StoreConfigError,
  StoreUnavailableError,
} from './store';
export type { Store, ActivityStore, MigrationReport, OutboxMessage, CaseOwner } from './store';
export { ACTIVITY_CATALOG, ACTIVITY_NAMES } from './catalog';
export type { ActivityName, ActivityDescription } from './catalog';
