/**
 * The definition registry workflow: one per namespace and task queue (see contract/registry.ts for
 * why a workflow). Deploys and rollbacks are Updates, so a refused deploy (invalid definition,
 * missing child) leaves no trace and an accepted one is in the history with who and when. Listing
 * and resolving are Queries. The book continues as new every `REGISTRY_CONTINUE_AFTER` events,
 * carrying the versions and bodies.
 */
import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import type { RegistryState } from '../contract/registry';
import { definitionQuery, definitionsQuery, deployUpdate, setCurrentUpdate } from '../contract/registry-handles';
import { RegistryBook, RegistryRefusal } from './registry-book';

/** History length after which the registry continues as new. */
const REGISTRY_CONTINUE_AFTER = 1000;

export async function definitionRegistry(carried?: { state?: RegistryState }): Promise<void> {
  // Only a run the registry itself continued may carry a book; a forged start cannot seed one.
  const book = new RegistryBook(workflowInfo().continuedFromExecutionRunId ? carried?.state : undefined);
  const now = () => new Date().toISOString();

  setHandler(deployUpdate, (request) => guard(() => book.deploy(request, now())), {
    validator: (request) => void guard(() => book.check(request)),
  });
  setHandler(setCurrentUpdate, (request) => guard(() => book.setCurrent(request, now())), {
    validator: (request) => void guard(() => book.find({ process: request?.process, version: request?.version })),
  });
  setHandler(definitionsQuery, (request) => book.list(request?.process));
  setHandler(definitionQuery, (request) => {
    try {
      const found = book.find(request);
      // The children's current versions, so a client can start by hash with them pinned (ProcessArgs.children).
      return { found: { ...found, children: book.currentChildren(found.definition) } };
    } catch (err) {
      if (err instanceof RegistryRefusal) return { refused: { code: err.code, message: err.message } };
      throw err;
    }
  });

  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= REGISTRY_CONTINUE_AFTER);
  await condition(allHandlersFinished);
  await continueAsNew<typeof definitionRegistry>({ state: book.snapshot() });
}

/** Runs a book operation; a refusal becomes a typed, non-retryable failure the caller can read. */
function guard<T>(operation: () => T): T {
  try {
    return operation();
  } catch (err) {
    if (err instanceof RegistryRefusal) {
      throw ApplicationFailure.create({
        message: err.message,
        type: err.code,
        details: [{ code: err.code, problems: err.problems }],
        nonRetryable: true,
      });
    }
    throw err;
  }
}
