/**
 * What a case keeps is bounded (issue 9), on a real Temporal server: a case that receives events
 * with payloads at the size limit continues as new on history size, carries a bounded timeline
 * into the next run (never a payload over Temporal's limit), and keeps answering and counting.
 */
import { Client } from '@temporalio/client';
import { WORKFLOW_TYPE, type ProcessArgs, type StateView } from '../../contract/wire';
import { eventUpdate, stateQuery } from '../../contract/handles';
import { startTestWorker, testClient, type TestWorker } from '../support/server';

let raw: Client;
let dev: TestWorker;
beforeAll(async () => {
  raw = await testClient();
  dev = await startTestWorker({ activities: {}, allowInlineDefinitions: true });
});
afterAll(async () => {
  await dev?.stop();
});

const notes = {
  process: 'notes',
  title: 'Notes',
  roles: ['agent'],
  events: {
    NOTE: { by: ['agent'], data: { type: 'object', required: ['note'], properties: { note: { type: 'string' } } } },
    CLOSE: { by: ['agent'] },
  },
  context: { count: '0' },
  initial: 'open',
  states: {
    // Re-entering records a transition with the event's data in the timeline every time.
    open: { on: { NOTE: { target: 'open', assign: { count: 'context.count + 1' } }, CLOSE: 'closed' } },
    closed: { type: 'final', outcome: 'closed' },
  },
};

it('continues as new on history size with payloads at the limit, carrying a bounded timeline, and keeps answering', async () => {
  const id = `bounded-${Date.now().toString(36)}`;
  const handle = await raw.workflow.start(WORKFLOW_TYPE, {
    workflowId: id,
    taskQueue: dev.taskQueue,
    args: [{ process: 'notes', definition: notes, input: {} } as ProcessArgs],
  });
  const note = 'n'.repeat(64 * 1024 - 200); // the event (type, actor, data) just under the 64 KiB default
  const events = 90; // about 5.7 MiB of event data: past the 4 MiB history-size bound
  for (let i = 0; i < events; i++) {
    const result = await sendWithRetry(handle.workflowId, { type: 'NOTE', actor: { id: 'a', roles: ['agent'] }, data: { note } });
    expect(result.status).toBe('running');
  }
  const view = (await raw.workflow.getHandle(id).query(stateQuery)) as StateView;
  expect(view.context.count).toBe(events);
  expect(view.timeline.some((e) => e.kind === 'continued')).toBe(true);
  // The first run continued as new; its history stayed far from Temporal's limits.
  const first = await raw.workflow.getHandle(id, handle.firstExecutionRunId).describe();
  expect(first.status.name).toBe('CONTINUED_AS_NEW');
  expect(Number(first.raw.workflowExecutionInfo?.historySizeBytes ?? 0)).toBeLessThan(8 * 1024 * 1024);
  await raw.workflow.getHandle(id).executeUpdate(eventUpdate, { args: [{ type: 'CLOSE', actor: { id: 'a', roles: ['agent'] } }] });
  expect((await raw.workflow.getHandle(id).result()).outcome).toBe('closed');
});

/** An Update sent while the case is between two runs (continuing as new) is sent again. */
async function sendWithRetry(id: string, event: unknown): Promise<{ status: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await raw.workflow.getHandle(id).executeUpdate(eventUpdate, { args: [event as never] })) as unknown as { status: string };
    } catch (err) {
      if (attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
