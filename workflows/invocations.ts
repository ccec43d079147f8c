/**
 * Turns the compiler's invocation requests into Temporal commands: an activity with the
 * definition's timeout and retry policy, or a child `process` workflow started by name with the
 * version pinned when the parent resolved its definition. Each runs in its own cancellation scope so leaving the state cancels it.
 */
import { CancellationScope, executeChild, isCancellation, proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { InvokeRequest } from '../compiler/compile';
import { WORKFLOW_TYPE, type ChildView, type ProcessArgs, type ProcessResult, type ResolvedDefinition } from '../contract/wire';
import { parseDuration } from '../dsl/duration';

const DEFAULT_ACTIVITY_TIMEOUT_MS = 30_000;

export interface InvocationCallbacks {
  done(output: unknown): void;
  failed(error: string): void;
}

/**
 * An invoker for one case; it numbers the case's child processes to give them stable ids, and
 * keeps the running ones in `running` (by workflow id) for the state view. `cancelling` holds the
 * child processes asked to cancel that have not finished doing so: a case waits for them before it
 * ends, else Temporal's parent-close policy would terminate a child still cleaning up (running its
 * compensations). `inFlight` holds every child process invocation not yet settled: a case cancelled
 * from outside waits for them (their scopes are cancelled with the case's) before it compensates.
 */
export function createInvoker(resolved: ResolvedDefinition, running: Map<string, ChildView> = new Map()) {
  let childSequence = 0;
  const cancelling = new Set<Promise<unknown>>();
  const inFlight = new Set<Promise<unknown>>();
  const invoke = (request: InvokeRequest, callbacks: InvocationCallbacks) =>
    startInvocation(
      request,
      () => (request.kind === 'activity' ? runActivity(request) : tracked(inFlight, runChild(request, resolved, ++childSequence, running))),
      callbacks,
      request.kind === 'process' ? cancelling : undefined,
    );
  return Object.assign(invoke, { cancelling, inFlight });
}

/** Keeps `run`'s settling (never its rejection) in `set` until it settles; returns `run` unchanged. */
function tracked(set: Set<Promise<unknown>>, run: Promise<unknown>): Promise<unknown> {
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  set.add(settled);
  void settled.then(() => set.delete(settled));
  return run;
}

/** Starts the invocation; returns a canceller for when the invoking state is left. */
function startInvocation(
  request: InvokeRequest,
  run: () => Promise<unknown>,
  callbacks: InvocationCallbacks,
  cancelling?: Set<Promise<unknown>>,
): () => void {
  const scope = new CancellationScope();
  let left = false;
  const running = scope.run(run);
  running.then(
    (output) => callbacks.done(output),
    (err) => {
      if (left && isCancellation(err)) return;
      callbacks.failed(failureMessage(err));
    },
  );
  return () => {
    left = true;
    scope.cancel();
    if (cancelling) {
      const settled = running.then(
        () => undefined,
        () => undefined,
      );
      cancelling.add(settled);
      void settled.then(() => cancelling.delete(settled));
    }
  };
}

function runActivity(request: InvokeRequest): Promise<unknown> {
  const retry = request.retry;
  const options: ActivityOptions = {
    startToCloseTimeout: request.timeoutMs ?? DEFAULT_ACTIVITY_TIMEOUT_MS,
    retry: {
      maximumAttempts: retry?.maximumAttempts,
      backoffCoefficient: retry?.backoffCoefficient,
      initialInterval: retry?.initialInterval ? parseDuration(retry.initialInterval) : undefined,
      maximumInterval: retry?.maximumInterval ? parseDuration(retry.maximumInterval) : undefined,
      // An activity no worker on the queue registers fails at once (the SDK's NotFoundError is
      // retryable, so the case would retry it forever); the invoke's onError or the case decides.
      nonRetryableErrorTypes: ['NotFoundError'],
    },
  };
  const activities = proxyActivities<Record<string, (input: unknown) => Promise<unknown>>>(options);
  return activities[request.name](request.input);
}

async function runChild(
  request: InvokeRequest,
  resolved: ResolvedDefinition,
  sequence: number,
  running: Map<string, ChildView>,
): Promise<unknown> {
  const hash = Object.prototype.hasOwnProperty.call(resolved.children, request.name) ? resolved.children[request.name] : undefined;
  if (!hash) throw new Error(`child process "${request.name}" was not resolved with the definition`);
  const args: ProcessArgs = { process: request.name, version: hash, input: request.input };
  // The child's id derives from the parent's business key, so it is stable across replays.
  const workflowId = `${workflowInfo().workflowId}/${request.name}-${sequence}`;
  running.set(workflowId, { id: workflowId, process: request.name, invokedIn: request.state });
  let result: ProcessResult;
  try {
    result = await executeChild<(a: ProcessArgs) => Promise<ProcessResult>>(WORKFLOW_TYPE, {
      workflowId,
      args: [args],
      workflowRunTimeout: request.timeoutMs,
    });
  } finally {
    running.delete(workflowId);
  }
  return { outcome: result.outcome, context: result.context, ...(result.output && { output: result.output }), workflowId };
}

/** The innermost message of a Temporal failure chain (ActivityFailure → ApplicationFailure). */
function failureMessage(err: unknown): string {
  let e = err as { message?: string; cause?: unknown } | undefined;
  while (e?.cause) e = e.cause as typeof e;
  return e?.message ?? String(err);
}
