/**
 * Each task queue has its own registry. One worker process may run workers of several queues; the
 * definition step's cache of versions it has read (by full hash, so a start by hash skips the
 * registry Query) must not answer a case on one queue with a version deployed only on another.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { WORKFLOW_TYPE } from '../../contract/wire';
import { startHarness, type Harness } from '../support/harness';

let deployed: Harness;
let empty: Harness;
beforeAll(async () => {
  deployed = await startHarness();
  // Same jest process, so the same module-level cache; a worker of its own queue, nothing deployed there.
  empty = await startHarness({ deploy: false });
});
afterAll(async () => {
  await empty?.stop();
  await deployed?.stop();
});

const input = { caseId: 'C-7101', amount: 300, requestedBy: 'alice' };

it('a version read on one task queue is not found for a start by its hash on another', async () => {
  // Warm the cache: a case on the queue that has the version, started by its full hash.
  const started = await deployed.docket.start({ process: 'refund-approval', id: deployed.caseId('known-here'), input });
  expect(started.definitionHash).toMatch(/^[0-9a-f]{64}$/);

  const handle = await empty.docket.client.workflow.start(WORKFLOW_TYPE, {
    workflowId: empty.caseId('unknown-here'),
    taskQueue: empty.taskQueue,
    // With `children`, as ProcessClient starts: the local lookup is asked first and must not know it either.
    args: [{ process: 'refund-approval', version: started.definitionHash, children: {}, input }],
  });
  const err = await handle.result().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe('DEFINITION_NOT_FOUND');
  expect(cause!.message).toContain(`nothing is deployed on task queue "${empty.taskQueue}"`);
});
