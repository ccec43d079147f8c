/**
 * A real docket worker process (worker/main.ts, the environment's settings) whose `issueRefund`
 * pays through the real activity and then kills its own process with SIGKILL before the
 * completion reaches Temporal: a host that dies between the payment and the answer. Temporal
 * retries the activity after its timeout, on whichever worker polls the task queue then.
 *
 *   node -r tsx/cjs tests/support/dying-worker.ts
 */
import { activities, issueRefund, type IssueRefundInput } from '../../activities';
import { runWorker } from '../../worker/main';

runWorker({
  activities: {
    ...activities,
    issueRefund: async (input: IssueRefundInput) => {
      const paid = await issueRefund(input);
      process.stderr.write(
        `dying-worker ${process.pid}: paid ${paid.refundId} (duplicate: ${paid.duplicate}); killing myself before answering\n`,
      );
      process.kill(process.pid, 'SIGKILL');
      return paid;
    },
  },
}).catch((err: unknown) => {
  process.stderr.write(`dying-worker: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
