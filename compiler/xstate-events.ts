/**
 * XState's own event names, in one place. XState v5 sends `xstate.init` when an actor starts and
 * `xstate.after.<delay key>.<state node id>` when an `after` delay runs out; docket builds the
 * latter itself (deadlines carried across continue-as-new, the audit re-run) and reads it back
 * (which deadline fired). These are XState internals, not API: if an XState upgrade changes them,
 * this file is the one to change (tests/unit/compiler/xstate-events.test.ts checks them against
 * the XState in node_modules). Pure; runs in the workflow sandbox.
 */
import { nodeId } from './state-paths';

/** The event an actor starts with. */
export const XSTATE_INIT = 'xstate.init';

const AFTER_PREFIX = 'xstate.after.';

/**
 * The event XState sends when the `after` delay `key` of the state at `statePath` (display form,
 * `handling.working`) runs out.
 */
export function afterEventType(key: string, statePath: string): string {
  return `${AFTER_PREFIX}${key}.${nodeId(statePath.split('.'))}`;
}

/** The delay key of an `after` event, or `undefined` for any other event. */
export function afterEventKey(eventType: string): string | undefined {
  if (!eventType.startsWith(AFTER_PREFIX)) return undefined;
  const rest = eventType.slice(AFTER_PREFIX.length);
  // Node ids never contain dots (state-paths.ts), so the last dot ends the key.
  return rest.slice(0, rest.lastIndexOf('.'));
}
