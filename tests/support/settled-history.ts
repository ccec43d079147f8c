/**
 * The length of a case's history once it is quiet: no activity in flight and the same length
 * on two reads 250 ms apart. A state query can see a new state before the workflow task that
 * entered it is recorded (its timers, search attributes, activity), so "no trace in history"
 * checks must measure from here, not from the moment the state was seen.
 */
import type { ProcessClient } from '../../client';

export async function settledHistoryLength(docket: ProcessClient, id: string): Promise<number> {
  let last = -1;
  for (let i = 0; i < 40; i++) {
    const description = await docket.client.workflow.getHandle(id).describe();
    const now = (JSON.parse(await docket.history(id)) as { events: unknown[] }).events.length;
    if (now === last && (description.raw.pendingActivities ?? []).length === 0) return now;
    last = now;
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}
