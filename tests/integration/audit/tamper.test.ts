/**
 * Tamper evidence: the digest is over a canonical form of the history, so formatting and key
 * order do not change it, but any edited event does, and `docket audit verify` says so.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AuditError, historyDigest, parseHistoryJson, readHistoryFile } from '../../../audit';
import { docket, history } from './support';

const ORIGINAL = history('complaint-p2-closed');
let tmp: string;
let digest: string;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'docket-tamper-'));
  digest = historyDigest((await readHistoryFile(ORIGINAL)).history);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Event = Record<string, any>;
const events = (): Event[] => JSON.parse(readFileSync(ORIGINAL, 'utf8')).events;
const write = (name: string, json: unknown, indent?: number) => {
  const file = path.join(tmp, name);
  writeFileSync(file, JSON.stringify(json, null, indent));
  return file;
};
const decode = (data: string) => JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

/** Sorts keys the other way round at every level: same history, different bytes. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().reverse().map((k) => [k, reversedKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

it('has the form sha256:<64 hex digits> and ignores formatting and key order', async () => {
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  const reformatted = write('reformatted.json', reversedKeys({ events: events() }));
  expect(historyDigest((await readHistoryFile(reformatted)).history)).toBe(digest);
});

it('changes when one event is edited: the actor of an accepted event', async () => {
  const edited = events();
  const accepted = edited.find((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED')!;
  const payload = accepted.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest.input.args.payloads[0];
  const event = decode(payload.data);
  expect(event).toMatchObject({ type: 'ACCEPT', actor: { id: 'alice' } });
  payload.data = encode({ ...event, actor: { id: 'mallory', roles: ['agent'] } });
  const file = write('actor-edited.json', { events: edited }, 2);
  expect(historyDigest((await readHistoryFile(file)).history)).not.toBe(digest);
});

it('changes when one event is edited: a time moved by a millisecond', async () => {
  const edited = events();
  const timer = edited.find((e) => e.eventType === 'EVENT_TYPE_TIMER_FIRED')!;
  timer.eventTime = timer.eventTime.replace(/\.(\d{3})/, (_: string, ms: string) => `.${String((Number(ms) + 1) % 1000).padStart(3, '0')}`);
  const file = write('time-edited.json', { events: edited }, 2);
  expect(historyDigest((await readHistoryFile(file)).history)).not.toBe(digest);
});

describe('docket audit verify', () => {
  it('exits 0 when the file has the digest', async () => {
    const run = await docket(['audit', 'verify', ORIGINAL, digest]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(`ok: ${ORIGINAL} has digest ${digest}, as expected\n`);
  });

  it('exits 1 for a tampered copy, naming both digests', async () => {
    const edited = events();
    const signal = edited.find((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED')!;
    signal.workflowExecutionSignaledEventAttributes.identity = 'someone-else';
    const tampered = write('tampered.json', { events: edited }, 2);
    const actual = historyDigest((await readHistoryFile(tampered)).history);
    expect(actual).not.toBe(digest);
    const run = await docket(['audit', 'verify', tampered, digest]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`MISMATCH: ${tampered} has digest ${actual}, expected ${digest}`);
  });

  it('refuses a malformed digest and a file that is not a history, naming it', async () => {
    expect(await docket(['audit', 'verify', ORIGINAL, 'abc123'])).toMatchObject({ code: 1, stderr: expect.stringContaining('<digest> "abc123": expected sha256:') });
    const notHistory = write('list.json', [1, 2, 3]);
    expect(await docket(['audit', 'verify', notHistory, digest])).toMatchObject({ code: 1, stderr: `docket: ${notHistory}: not a history: expected a JSON object with a non-empty "events" list, as \`docket history <id> -o file\` or \`temporal workflow show --output json -w <id>\` write\n` });
  });
});

it('reports a file that is not JSON or not a history with an AuditError naming the file', () => {
  expect(() => parseHistoryJson('{"events": [', 'broken.json')).toThrow(AuditError);
  expect(() => parseHistoryJson('{"events": [', 'broken.json')).toThrow(/^broken\.json: not a history: the file is not JSON/);
  expect(() => parseHistoryJson('{"events": []}', 'empty.json')).toThrow(/^empty\.json: not a history/);
});
