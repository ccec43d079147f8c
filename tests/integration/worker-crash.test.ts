/**
 * A worker process killed in the middle of a case (while a notification is being delivered) and
 * a new worker finishing it: nothing is lost and the outbox holds each message once.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listOutbox } from '../../activities';
import { spawnWorkerProcess } from '../support/worker-process';
import { startHarness, type Harness } from '../support/harness';
import { withTimings } from '../support/test-definitions';

const as = (role: string, id: string) => ({ id, roles: [role] });

let h: Harness;
let webhook: Server;
const received: Array<{ key: string; to: string }> = [];
let holdFirst = true;
let firstArrived: () => void;
const firstRequest = new Promise<void>((resolve) => (firstArrived = resolve));

beforeAll(async () => {
  // The receiver: the very first delivery hangs (the worker dies while waiting), later ones succeed.
  webhook = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ key: String(req.headers['idempotency-key']), to: JSON.parse(body).to });
      if (holdFirst) {
        holdFirst = false;
        firstArrived();
        return; // never answer
      }
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  process.env.DOCKET_WEBHOOK_URL = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
  h = await startHarness({ withWorker: false });
});

afterAll(async () => {
  delete process.env.DOCKET_WEBHOOK_URL;
  await h?.stop();
  webhook?.closeAllConnections();
  await new Promise((r) => webhook?.close(r));
});

function spawnWorker(): ChildProcess {
  return spawnWorkerProcess(h);
}

it('finishes a case on a new worker after the first is killed mid-delivery, delivering each message once', async () => {
  const def = withTimings('complaint', { confirmAfter: '1s', satisfactionAfter: '1s' });
  def.states.alert_supervisor.invoke!.timeout = '3s'; // so the dead worker's attempt times out quickly
  const id = h.caseId('crash');

  const first = spawnWorker();
  await h.deployShipped();
  await h.docket.start({
    definition: def,
    id,
    input: {
      customerId: 'cust-9',
      customerName: 'Sun Li',
      contact: 'sun@example.com',
      channel: 'email',
      category: { level1: 'payment' },
      description: 'Charged twice',
      impact: 'outage',
    },
  });
  await firstRequest;
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  expect(listOutbox({ workflowId: id })).toEqual([expect.objectContaining({ recipient: 'supervisor', deliveredAt: null })]);

  const second = await h.startWorker();
  try {
    const deadline = Date.now() + 60_000;
    while (!(await h.docket.state(id)).state.includes('awaiting_response')) {
      if (Date.now() > deadline) throw new Error('the new worker did not carry the case on');
      await new Promise((r) => setTimeout(r, 250));
    }
    await h.docket.send(id, { type: 'ACCEPT', actor: as('agent', 'alice') });
    while (!(await h.docket.state(id)).state.includes('handling.working')) await new Promise((r) => setTimeout(r, 250));
    await h.docket.send(id, { type: 'RESOLVE', actor: as('agent', 'alice'), data: { resolution: 'refunded the double charge' } });
    while (!(await h.docket.state(id)).state.includes('resolved.confirmation_call')) await new Promise((r) => setTimeout(r, 250));
    await h.docket.send(id, { type: 'CONFIRM_SOLVED', actor: as('customer', 'cust-9') });
    while (!(await h.docket.state(id)).state.includes('resolved.satisfaction_call')) await new Promise((r) => setTimeout(r, 250));
    await h.docket.send(id, { type: 'SATISFACTION', actor: as('customer', 'cust-9'), data: { score: 4 } });
    expect((await h.docket.result(id)).outcome).toBe('closed');
  } finally {
    await second.stop();
  }

  const outbox = listOutbox({ workflowId: id });
  expect(outbox.map((m) => m.recipient)).toEqual(['supervisor', 'tech-lead,after-sales-lead']);
  expect(outbox.every((m) => m.deliveredAt !== null)).toBe(true);
  // The receiver saw the supervisor message twice (the hung attempt and the retry) under one key.
  const keys = received.map((r) => r.key);
  expect(keys).toEqual([outbox[0].key, outbox[0].key, outbox[1].key]);
  expect(new Set(keys).size).toBe(outbox.length);
});
