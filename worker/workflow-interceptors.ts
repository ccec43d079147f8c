/**
 * The workflow interceptor modules docket's workflow code needs: every worker, prebuilt bundle and
 * replayer loads them (a bundle built without them refuses every event when signed actors are
 * required, rather than trusting the body's actor).
 */
export const WORKFLOW_INTERCEPTOR_MODULES: string[] = [require.resolve('../workflows/actor-verification')];
