/**
 * Segregation of duties as a rule of the definition (`distinctActors: [APPROVE]`): of the listed
 * events, two consecutive ones in a case must come from different people. A person holding both
 * supervisor and finance roles approves one step of a large refund, not both. People are compared
 * by canonical id (`Alice` and `alice ` are one person), and the id is the verified one when the
 * worker requires signed actors.
 *
 * The previous step is read from the case's timeline (the last `transition` caused by a listed
 * event). Pure: no I/O, no clock.
 */
import { canonicalActorId } from '../contract/actor-id';
import type { EventInput, Rejection, TimelineEntry } from '../contract/wire';
import type { ProcessDefinition } from '../dsl/types';

/** SAME_ACTOR when the sender took the previous listed step of this case; else undefined. */
export function checkDistinctActors(def: ProcessDefinition, event: EventInput, timeline: readonly TimelineEntry[]): Rejection | undefined {
  if (!def.distinctActors?.includes(event.type)) return undefined;
  const entry = timeline[lastDistinctStep(def, timeline)];
  if (entry?.kind !== 'transition' || !entry.actor || canonicalActorId(entry.actor.id) !== canonicalActorId(event.actor.id))
    return undefined;
  return {
    code: 'SAME_ACTOR',
    message:
      `${event.type} refused: ${entry.actor.id} took the previous step (${entry.event} from ${entry.from.join(', ')}), ` +
      `and this process requires another person for the next one (distinctActors: ${def.distinctActors.join(', ')})`,
  };
}

/**
 * The index in `timeline` of the newest step the rule compares with (a `transition` caused by a
 * listed event), or -1. A case carries this entry into its next run whatever else it leaves
 * behind (workflows/carried-timeline.ts).
 */
export function lastDistinctStep(def: Pick<ProcessDefinition, 'distinctActors'>, timeline: readonly TimelineEntry[]): number {
  const listed = def.distinctActors;
  if (!listed?.length) return -1;
  for (let i = timeline.length - 1; i >= 0; i--) {
    const entry = timeline[i];
    if (entry.kind === 'transition' && listed.includes(entry.event)) return i;
  }
  return -1;
}
