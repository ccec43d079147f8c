/** The canonical actor id; defined in contract/actor-id.ts, where the workflow uses it too. */
export { canonicalActorId } from '../contract/actor-id';
