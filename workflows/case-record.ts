/**
 * What a running case remembers besides its XState snapshot: the business timeline and the
 * pending deadlines. Deterministic (workflow code): times come from the workflow clock.
 */
import { proxySinks, workflowInfo } from '@temporalio/workflow';
import type { ArmedDeadline } from '../compiler/compile';
import { afterEventKey } from '../compiler/xstate-events';
import type { AuditSinks } from '../contract/audit-sink';
import type { PendingDeadline, TimelineEntry } from '../contract/wire';

const { audit } = proxySinks<AuditSinks>();

export class CaseRecord {
  readonly timeline: TimelineEntry[] = [];
  private readonly pending = new Map<string, ArmedDeadline>();
  /** Every deadline ever armed, by key, so a firing can be named after its state was left. */
  private readonly armed = new Map<string, ArmedDeadline>();
  private readonly cleared: ArmedDeadline[] = [];

  /** Entries carried over from the previous run (already reported there, so not to the sink). */
  carry(entries: TimelineEntry[]): void {
    this.timeline.push(...entries);
  }

  add(entry: TimelineEntry): void {
    this.timeline.push(entry);
    // Only auditors' replay listens (callDuringReplay), and it only replays: a live worker would
    // carry every entry across to its main thread for a no-op (a visible share of its CPU).
    if (workflowInfo().unsafe.isReplaying) audit.entry(entry);
  }

  arm(deadline: ArmedDeadline): void {
    this.pending.set(deadline.key, deadline);
    this.armed.set(deadline.key, deadline);
  }

  clear(key: string): void {
    const deadline = this.pending.get(key);
    if (deadline) this.cleared.push(deadline);
    this.pending.delete(key);
  }

  /** Deadlines cleared since the last call (their state was left, or their timer fired). */
  takeCleared(): ArmedDeadline[] {
    return this.cleared.splice(0);
  }

  /** The deadline an XState `after` event belongs to (compiler/xstate-events.ts). */
  deadlineForEvent(eventType: string): ArmedDeadline | undefined {
    const key = afterEventKey(eventType);
    return key === undefined ? undefined : this.armed.get(key);
  }

  /** Pending deadlines with their absolute due times, to carry across continue-as-new. */
  pendingArmed(): ArmedDeadline[] {
    return [...this.pending.values()];
  }

  pendingDeadlines(): PendingDeadline[] {
    return [...this.pending.values()]
      .sort((a, b) => a.dueMs - b.dueMs)
      .map((d) => ({ name: d.name, state: d.state, due: new Date(d.dueMs).toISOString(), target: d.target }));
  }
}
