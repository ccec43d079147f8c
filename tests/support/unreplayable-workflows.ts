/**
 * Workflow code that cannot replay any docket case: registered as `process`, it throws at once.
 * A worker running it stands for an upgrade that no longer replays old histories (or a worker of
 * another application on the queue), so a Query of a closed case fails fast instead of waiting
 * for a worker that never comes (tests/integration/closed-case-view.test.ts).
 */
export async function unreplayable(): Promise<never> {
  throw new Error('this workflow code cannot replay docket cases');
}

export { unreplayable as process };
