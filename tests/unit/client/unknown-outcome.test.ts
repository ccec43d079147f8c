/** Which errors of an `event` Update leave its outcome unknown (so `send` retries with the same update id). */
import { ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { EventOutcomeUnknownError } from '../../../client/errors';
import { unknownOutcome } from '../../../client/process-client';
import { userMessage } from '../../../cli/run-command';
import { formatStateView } from '../../../cli/output';

const grpc = (code: number, details: string) =>
  new ServiceError('Workflow Update failed', { cause: Object.assign(new Error(details), { code, details }) });

describe('unknownOutcome', () => {
  it('is unknown after a timed-out or cancelled call, an unavailable server, a failed workflow task', () => {
    expect(unknownOutcome(new WorkflowUpdateRPCTimeoutOrCancelledError('Workflow update call timeout or cancelled'))).toMatch(/timed out/);
    expect(unknownOutcome(grpc(4, 'context deadline exceeded'))).toMatch(/timed out/);
    expect(unknownOutcome(grpc(14, 'connection refused'))).toMatch(/unavailable/);
    expect(unknownOutcome(grpc(9, 'Unable to perform workflow execution update due to Workflow Task in failed state.'))).toMatch(
      /workflow task failed/,
    );
    expect(unknownOutcome(grpc(9, 'Unable to perform workflow execution update due to unexpected workflow task failure.'))).toMatch(
      /workflow task failed/,
    );
  });

  it('is known for a refusal, a missing case and other errors', () => {
    const refused = new WorkflowUpdateFailedError(
      'Workflow Update failed',
      ApplicationFailure.create({ type: 'EVENT_NOT_ALLOWED', message: 'no' }),
    );
    expect(unknownOutcome(refused)).toBeUndefined();
    expect(unknownOutcome(grpc(5, 'workflow not found'))).toBeUndefined();
    expect(unknownOutcome(grpc(3, 'invalid argument'))).toBeUndefined();
    expect(unknownOutcome(new Error('boom'))).toBeUndefined();
  });
});

describe('what the CLI says', () => {
  it('names the update id to send again with, and why a stuck case does not move', () => {
    const err = new EventOutcomeUnknownError('C-1', 'ACCEPT', 'u-42', 'the call timed out', {
      attempts: 4,
      cause: 'WORKFLOW_WORKER_UNHANDLED_FAILURE',
      message: 'boom\nstack',
    });
    expect(userMessage(err)).toBe(
      'case C-1: whether ACCEPT was applied is not known (the call timed out); the case is stuck: its workflow task is on attempt 4 (WORKFLOW_WORKER_UNHANDLED_FAILURE: boom); send it again with --update-id u-42: it is applied at most once',
    );
  });

  it('prints a stuck line in the state view', () => {
    const lines = formatStateView({
      workflowId: 'C-1',
      process: 'complaint',
      title: '',
      definitionHash: '',
      status: 'running',
      state: [],
      context: {},
      allowed: {},
      deadlines: [],
      timeline: [],
      stuck: { attempts: 3, cause: 'WORKFLOW_WORKER_UNHANDLED_FAILURE', message: 'boom' },
    });
    expect(lines).toContain('stuck    workflow task failing (attempt 3): WORKFLOW_WORKER_UNHANDLED_FAILURE: boom');
  });
});
