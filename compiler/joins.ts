/**
 * Joins: a compound or parallel state's `onDone`, taken on XState's done event when the state
 * reaches a final child (compound) or every region does (parallel).
 *
 * XState gives a compound state's done event the `output` of the final child it reached, but a
 * parallel state's done event carries nothing. So each region's own done event (raised just
 * before the parallel one, with the region's output) is kept in the context under a reserved
 * key, and the join's guard and assignments see `event.output` as region name → output. The key
 * lives in the context, not in the compiler, so it survives continue-as-new with the snapshot;
 * `publicContext` hides it wherever the context is shown.
 */
import { assign, type AnyEventObject } from 'xstate';
import type { StateSpec } from '../dsl/types';
import { CASE_BINDING } from './case-binding';
import { nodeId, type StatePath } from './state-paths';

/** The reserved context key holding region outputs by parallel state (not a CEL identifier, so no definition can name it). */
export const REGION_OUTPUTS_KEY = '$regions';

type Ctx = Record<string, unknown>;
type Args = { context: Ctx; event: AnyEventObject };
type RegionOutputs = Record<string, Record<string, unknown>>;

/** XState's done event of the state at `path`. */
export const doneStateEvent = (path: StatePath) => `xstate.done.state.${nodeId(path)}`;

/** The context without the engine's reserved keys (region outputs, the case binding): what views, results and timelines show. */
export function publicContext(context: Ctx): Ctx {
  const has = (key: PropertyKey) => Object.prototype.hasOwnProperty.call(context, key);
  if (!has(CASE_BINDING) && !has(REGION_OUTPUTS_KEY)) return context;
  const { [REGION_OUTPUTS_KEY]: _hidden, [CASE_BINDING as never]: _binding, ...rest } = context;
  return rest;
}

const outputsOf = (context: Ctx): RegionOutputs => (context[REGION_OUTPUTS_KEY] as RegionOutputs | undefined) ?? {};

/** Entry action of a parallel state with `onDone`: forget the outputs of an earlier visit. */
export function clearRegionOutputs(parallel: StatePath) {
  const key = nodeId(parallel);
  return assign(({ context }: Args) => {
    const { [key]: _old, ...others } = outputsOf(context);
    return { [REGION_OUTPUTS_KEY]: others };
  });
}

/** The `on` entry a region adds: when it finishes, keep its output for the join. */
export function keepRegionOutput(parallel: StatePath, region: string): Record<string, unknown> {
  const key = nodeId(parallel);
  return {
    [doneStateEvent([...parallel, region])]: {
      actions: assign(({ context, event }: Args) => {
        const all = outputsOf(context);
        const output = (event.output as Record<string, unknown> | undefined) ?? {};
        return { [REGION_OUTPUTS_KEY]: { ...all, [key]: { ...(all[key] ?? {}), [region]: output } } };
      }),
    },
  };
}

/** The event a join's transitions see: for a parallel state, `output` is region name → region output. */
export function joinEvent(path: StatePath, spec: StateSpec): ((args: Args) => AnyEventObject) | undefined {
  if (spec.type !== 'parallel') return undefined;
  const key = nodeId(path);
  return ({ context, event }) => ({ ...event, output: outputsOf(context)[key] ?? {} });
}
