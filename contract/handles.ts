/** Typed handles for the workflow's Update, Signal and Query (shared by workflow and client). */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { EVENT_SIGNAL, EVENT_UPDATE, STATE_QUERY, type EventInput, type EventResult, type StateView, type TimelinePage } from './wire';

export const eventUpdate = defineUpdate<EventResult, [EventInput]>(EVENT_UPDATE);
export const eventSignal = defineSignal<[EventInput]>(EVENT_SIGNAL);
export const stateQuery = defineQuery<StateView, [TimelinePage?]>(STATE_QUERY);
