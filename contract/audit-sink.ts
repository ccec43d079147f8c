/**
 * The `audit` sink: the workflow reports every timeline entry through it. A normal worker
 * registers a no-op (the timeline is also in the state view and the result); auditors' replay
 * registers it with `callDuringReplay: true` to rebuild the business timeline from a history
 * alone, with no server.
 */
import type { Sinks } from '@temporalio/workflow';
import type { TimelineEntry } from './wire';

export interface AuditSinks extends Sinks {
  audit: {
    entry(entry: TimelineEntry): void;
  };
}
