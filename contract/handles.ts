/** Typed handles for the workflow's Update, Signal and Query (shared by workflow and client). */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { EVENT_SIGNAL, EVENT_UPDATE, STATE_QUERY, type EventInput, type StateView } from './wire';

export const eventUpdate = defineUpdate<StateView, [EventInput]>(EVENT_UPDATE);
export const eventSignal = defineSignal<[EventInput]>(EVENT_SIGNAL);
export const stateQuery = defineQuery<StateView>(STATE_QUERY);
