/**
 * The one Temporal client the activities that talk to Temporal themselves share (signalProcess,
 * startProcess, countCases), connected on first use with the worker's settings (TEMPORAL_*), and a
 * ProcessClient bound to the calling activity's task queue: a case reaches companions deployed on
 * its own queue's registry, never another deployment's.
 */
import { Context } from '@temporalio/activity';
import { ProcessClient } from '../client/process-client';

let shared: Promise<ProcessClient> | undefined;

export async function docketOnThisQueue(): Promise<ProcessClient> {
  shared ??= ProcessClient.connect();
  const docket = await shared;
  return new ProcessClient({ client: docket.client, taskQueue: Context.current().info.taskQueue });
}
