/** Failure types of the traffic and health adapters: whether Temporal should retry. */

/** The router / gateway could not be reached, answered 5xx or something that is not JSON (retried). */
export const ROUTER_UNAVAILABLE = 'ROUTER_UNAVAILABLE';
/** The router / gateway refused the request (4xx; not retried: the input or the URL is wrong). */
export const ROUTER_REFUSED = 'ROUTER_REFUSED';
/** Prometheus could not be reached, answered 5xx or an error status (retried). */
export const METRICS_UNAVAILABLE = 'METRICS_UNAVAILABLE';
/** Prometheus refused the query (4xx, e.g. a PromQL syntax error in the configured query; not retried). */
export const METRICS_REFUSED = 'METRICS_REFUSED';
