/**
 * The activities a definition may `invoke`, by name. The validator checks definitions against
 * this list and the worker registers exactly these implementations (activities/index.ts), so the
 * two cannot drift apart: a test asserts they match.
 *
 * Every activity takes one object (the invoke's evaluated `with:` map) and returns a JSON value
 * (`event.output` in the definition's onDone). Idempotency keys come from the activity context
 * (workflow id + run id + activity id), never from the caller.
 */
export interface ActivityDescription {
  description: string;
  /** Keys the `with:` map must provide. */
  requires: string[];
}

export const ACTIVITY_CATALOG = {
  notify: {
    description:
      'Queues a message in the durable outbox (once per invocation, even when retried) and posts it to DOCKET_WEBHOOK_URL when set.',
    requires: ['to', 'subject'],
  },
  assignOwner: {
    description: 'Records the owner of a case (first-contact ownership) in the case registry.',
    requires: ['caseId', 'owner'],
  },
  transferCase: {
    description: 'Hands part of a case to a department with a named contact and a statement of need.',
    requires: ['caseId', 'department', 'contact'],
  },
  recordFollowUp: {
    description: 'Stores the result of a follow-up call (3-day confirmation, 7-day satisfaction).',
    requires: ['caseId', 'kind'],
  },
  signalProcess: {
    description:
      'Sends an event to another case, starting it when it does not exist (signal-with-start), e.g. a complaint reporting to the monitor.',
    requires: ['process', 'id', 'type'],
  },
  startProcess: {
    description:
      'Starts a case of another process by name unless one with that id is running; a running case gets nothing (no event, no history entry), e.g. a complaint making sure the monitor runs.',
    requires: ['process', 'id'],
  },
  countCases: {
    description:
      "Reads a process's case counts (today, the days before) and its cases' categories in start order from Temporal visibility, for cross-case rules such as the complaint monitor's.",
    requires: ['process', 'now', 'since'],
  },
  issueRefund: {
    description:
      'Pays an approved refund through the refund ledger, once per refund id: a retried or replayed call returns the first payment with duplicate: true.',
    requires: ['refundId', 'caseId', 'amount', 'approvedBy'],
  },
  setTrafficWeight: {
    description: "Sets the share of traffic (0–100 %) the gray-release router sends to the new version, through the router's admin API.",
    requires: ['routerUrl', 'weight'],
  },
  checkHealth: {
    description:
      "Reads the router's counters of real requests to one version since a time and judges them against an error-rate and a p95-latency threshold.",
    requires: ['routerUrl', 'version', 'maxErrorRate', 'maxP95Ms', 'minRequests'],
  },
} as const satisfies Record<string, ActivityDescription>;

export type ActivityName = keyof typeof ACTIVITY_CATALOG;
export const ACTIVITY_NAMES = Object.keys(ACTIVITY_CATALOG) as ActivityName[];
