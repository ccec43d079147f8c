/**
 * The case's compensation stack (compiler/compensation.ts): each invocation with `compensate`
 * that returned pushes what undoes it; `runAll` runs them newest first, one after the other, as
 * the activities or child processes they name, in a scope that a cancellation of the case
 * cannot interrupt (a cancelled case is exactly when they must run). Workflow code: the same
 * history gives the same commands, so replay is safe. Each appears in the timeline as an
 * `invoke` entry with `compensates` set.
 */
import { CancellationScope } from '@temporalio/workflow';
import { CompensationStack } from '../compiler/compensation';
import type { InvokeRequest } from '../compiler/compile';
import type { TimelineEntry } from '../contract/wire';
import type { InvocationCallbacks } from './invocations';

type Invoke = (request: InvokeRequest, callbacks: InvocationCallbacks) => () => void;

export class Compensations extends CompensationStack {
  /**
   * Runs every compensation, newest first, each until it returns or fails for good (activities
   * retry by Temporal's default policy, so a failure here is rare). A failure is recorded and the
   * rest still run: one failed undo must not leave the others undone. Returns the failures.
   */
  async runAll(invoke: Invoke, record: (entry: TimelineEntry) => void, iso: () => string): Promise<string[]> {
    const failures: string[] = [];
    await CancellationScope.nonCancellable(async () => {
      for (let c = this.next(); c; c = this.next()) {
        const request: InvokeRequest = { state: c.state, kind: c.kind, name: c.name, input: c.input, hasOnError: true };
        const base = { kind: 'invoke' as const, state: c.state, [c.kind]: c.name, compensates: c.compensates };
        await new Promise<void>((resolve) => {
          invoke(request, {
            done: (output) => {
              record({ ...base, at: iso(), status: 'done', output });
              resolve();
            },
            failed: (error) => {
              record({ ...base, at: iso(), status: 'failed', error });
              failures.push(`${c.kind} ${c.name} (compensating ${c.compensates} of ${c.state}): ${error}`);
              resolve();
            },
          });
        });
      }
    });
    return failures;
  }
}
