/**
 * The activities of the benchmark: no-ops under docket's activity names, registered by both the
 * docket worker and the hand-written one, so the two differ only in the engine.
 */
const noop = async (_input: unknown): Promise<{ ok: true }> => ({ ok: true });

export const noopActivities = {
  notify: noop,
  assignOwner: noop,
  transferCase: noop,
  recordFollowUp: noop,
  signalProcess: noop,
  startProcess: noop,
  countCases: noop,
  issueRefund: noop,
  setTrafficWeight: noop,
  checkHealth: noop,
};

export type NoopActivities = typeof noopActivities;
