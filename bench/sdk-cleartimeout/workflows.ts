/**
 * The SDK bug, with no docket code: a workflow arms a global setTimeout, and an Update clears it
 * and starts an activity. With the sticky cache on, workflows in the one reusable V8 context share
 * the global clearTimeout map (@temporalio/workflow 1.24.0, lib/global-overrides.js).
 */
import { defineUpdate, proxyActivities, setHandler, condition } from '@temporalio/workflow';

export const clearUpdate = defineUpdate<string>('clear');
const { noop } = proxyActivities<{ noop(): Promise<string> }>({ startToCloseTimeout: '10s' });

export async function timerCase(): Promise<string> {
  let fired = false;
  let done = false;
  const handle = setTimeout(() => (fired = true), 60_000);
  setHandler(clearUpdate, async () => {
    clearTimeout(handle);
    await noop();
    done = true;
    return 'cleared';
  });
  await condition(() => done || fired);
  return fired ? 'fired' : 'cleared';
}
