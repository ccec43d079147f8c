/**
 * Tamper evidence: the digest is over a canonical form of the history, so formatting and key
 * order do not change it, but any edited event does, and `docket audit verify` says so. And the
 * definition a case ran (recorded by its resolveDefinition step, with its hash) is checked against
 * its hash by `docket audit` and `docket replay`: an edited definition is DEFINITION_TAMPERED, exit 1,
 * whether the step was the resolveDefinition activity or the resolveKnownDefinition local activity
 * (its marker).
 */
import { packDefinition, packResolution, unpackDefinition, unpackResolution } from '../../../contract/packed-definition';
import type { ResolvedDefinition } from '../../../contract/wire';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AuditError, caseInput, historyDigest, parseHistoryJson, readHistoryFile, whatIf } from '../../../audit';
import { definitionHash } from '../../../dsl/hash';
import type { ProcessDefinition } from '../../../dsl/types';
import { testServer } from '../../support/server';
import { docket, history, historyLocalLookup, thrownBy } from './support';

const ORIGINAL = history('complaint-p2-closed');
let tmp: string;
let digest: string;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'docket-tamper-'));
  digest = historyDigest((await readHistoryFile(ORIGINAL)).history);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A payload as exported JSON: base64 data. */
interface JsonPayload {
  data: string;
}
/** The fields of an exported history event these tests read or edit (the export's JSON form). */
interface Event {
  eventId: string;
  eventType: string;
  eventTime: string;
  workflowExecutionUpdateAcceptedEventAttributes: { acceptedRequest: { input: { args: { payloads: JsonPayload[] } } } };
  workflowExecutionSignaledEventAttributes: { identity: string };
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
  activityTaskCompletedEventAttributes: { scheduledEventId: string; result: { payloads: JsonPayload[] } };
}
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
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .reverse()
        .map((k) => [k, reversedKeys((value as Record<string, unknown>)[k])]),
    );
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
    expect(await docket(['audit', 'verify', ORIGINAL, 'abc123'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('<digest> "abc123": expected sha256:'),
    });
    const notHistory = write('list.json', [1, 2, 3]);
    expect(await docket(['audit', 'verify', notHistory, digest])).toMatchObject({
      code: 1,
      stderr: `docket: ${notHistory}: not a history: expected a JSON object with a non-empty "events" list, as \`docket history <id> -o file\` or \`temporal workflow show --output json -w <id>\` write\n`,
    });
  });
});

it('reports a file that is not JSON or not a history with an AuditError naming the file', () => {
  expect(() => parseHistoryJson('{"events": [', 'broken.json')).toThrow(AuditError);
  expect(() => parseHistoryJson('{"events": [', 'broken.json')).toThrow(/^broken\.json: not a history: the file is not JSON/);
  expect(() => parseHistoryJson('{"events": []}', 'empty.json')).toThrow(/^empty\.json: not a history/);
});

describe("a definition edited inside the history (the resolveDefinition step's result), its hash kept", () => {
  const REFUND = history('refund-lead-approved');
  const GUARD = 'event.actor.id != input.requestedBy';
  let tampered: string;
  let recordedHash: string;
  let editedHash: string;
  let removed = 0;

  /** Drops the guard that forbids the requester approving their own refund, everywhere it is. */
  function dropGuard(node: unknown): void {
    if (Array.isArray(node)) return node.forEach(dropGuard);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.if === GUARD) {
      delete o.if;
      delete o.description;
      removed++;
    }
    Object.values(o).forEach(dropGuard);
  }

  beforeAll(() => {
    const json = JSON.parse(readFileSync(REFUND, 'utf8')) as { events: Event[] };
    const scheduled = json.events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'resolveDefinition')!;
    const completed = json.events.find(
      (e) =>
        e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED' &&
        e.activityTaskCompletedEventAttributes.scheduledEventId === scheduled.eventId,
    )!;
    const payload = completed.activityTaskCompletedEventAttributes.result.payloads[0];
    const resolved = decode(payload.data) as { hash: string; definitionDeflated?: string; definition?: ProcessDefinition };
    recordedHash = resolved.hash;
    // The definition is recorded packed (base64 DEFLATE): unpack, edit, pack again, as a tamperer would.
    const definition = unpackDefinition(resolved);
    dropGuard(definition);
    editedHash = definitionHash(definition);
    if (resolved.definitionDeflated !== undefined) resolved.definitionDeflated = packDefinition(definition);
    else resolved.definition = definition;
    payload.data = encode(resolved);
    tampered = write('refund-guard-removed.json', json, 2);
  });

  it('is a real edit: the guard was there, and the edited definition has another hash', () => {
    expect(removed).toBeGreaterThan(0);
    expect(editedHash).not.toBe(recordedHash);
    expect(recordedHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is DEFINITION_TAMPERED for the library, naming both hashes', async () => {
    const file = await readHistoryFile(tampered);
    const error = thrownBy(() => caseInput(file));
    expect(error).toBeInstanceOf(AuditError);
    expect(error).toMatchObject({ code: 'DEFINITION_TAMPERED', file: tampered });
    expect((error as Error).message).toContain(`recorded ${recordedHash}, computed ${editedHash}`);
  });

  it('makes `docket audit` exit 1 with one line naming both hashes (with and without replay)', async () => {
    for (const args of [['--bundle', testServer().bundlePath], ['--no-replay'], ['--format', 'json', '--no-replay']]) {
      const run = await docket(['audit', tampered, ...args]);
      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr).toBe(
        `docket: ${tampered}: DEFINITION_TAMPERED: the definition recorded in the history (resolveDefinition step) does not match its recorded hash: ` +
          `recorded ${recordedHash}, computed ${editedHash}; the history was altered after the case ran\n`,
      );
    }
  });

  it('makes `docket replay` exit 1, and over a directory reports it for that file only', async () => {
    const one = await docket(['replay', tampered, '--bundle', testServer().bundlePath]);
    expect(one.code).toBe(1);
    expect(one.stdout).toBe(
      `FAILED  ${tampered}  tampered: ${tampered}: DEFINITION_TAMPERED: the definition recorded in the history (resolveDefinition step) does not match its recorded hash: ` +
        `recorded ${recordedHash}, computed ${editedHash}; the history was altered after the case ran\n` +
        '1 history: 0 ok, 1 failed\n',
    );

    const dir = path.join(tmp, 'mixed');
    mkdirSync(dir);
    copyFileSync(REFUND, path.join(dir, 'a-original.json'));
    copyFileSync(tampered, path.join(dir, 'b-tampered.json'));
    const both = await docket(['replay', dir, '--bundle', testServer().bundlePath]);
    expect(both.code).toBe(1);
    const lines = both.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\[1\/2\] ok {6}\S+a-original\.json {2}\(refund-lead-approved, \d+ events\)$/);
    expect(lines[1]).toContain(`[2/2] FAILED  ${path.join(dir, 'b-tampered.json')}  tampered: `);
    expect(lines[1]).toContain(
      `DEFINITION_TAMPERED: the definition recorded in the history (resolveDefinition step) does not match its recorded hash: recorded ${recordedHash}, computed ${editedHash}`,
    );
    expect(lines[2]).toBe('2 histories: 1 ok, 1 failed');
  });

  it('is skipped by what-if with the reason', async () => {
    const { definition } = JSON.parse(JSON.stringify({ definition: caseInput(await readHistoryFile(REFUND)).definition })) as {
      definition: ProcessDefinition;
    };
    const report = await whatIf(definition, [REFUND, tampered]);
    expect(report.summary).toMatchObject({ histories: 2, compared: 1, skipped: 1 });
    expect(report.cases[1].skipped).toContain(`DEFINITION_TAMPERED`);
  });
});

describe("a definition edited inside the local lookup's marker (resolveKnownDefinition), its hash kept", () => {
  const KNOWN = historyLocalLookup('refund-known-definition');
  let tampered: string;
  let recordedHash: string;
  let editedHash: string;
  const message = () =>
    `DEFINITION_TAMPERED: the definition recorded in the history (resolveKnownDefinition step) does not match its recorded hash: ` +
    `recorded ${recordedHash}, computed ${editedHash}; the history was altered after the case ran`;

  beforeAll(() => {
    const json = JSON.parse(readFileSync(KNOWN, 'utf8')) as {
      events: Array<{ markerRecordedEventAttributes?: { markerName?: string; details: { result: { payloads: JsonPayload[] } } } }>;
    };
    const markers = json.events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    expect(markers).toHaveLength(1);
    const payload = markers[0].markerRecordedEventAttributes!.details.result.payloads[0];
    // The marker's result is the packed resolution, as bytes (binary/plain): unpacked, edited, packed again.
    const resolved = unpackResolution(Buffer.from(payload.data, 'base64')) as ResolvedDefinition & { definitionDeflated: string };
    recordedHash = resolved.hash;
    // The refund's lead limit raised from 1000 to 1,000,000, packed again as a tamperer would.
    const definition = unpackDefinition(resolved);
    const text = JSON.stringify(definition);
    expect(text).toContain('input.amount <= 1000');
    const edited = JSON.parse(text.split('input.amount <= 1000').join('input.amount <= 1000000')) as ProcessDefinition;
    editedHash = definitionHash(edited);
    resolved.definitionDeflated = packDefinition(edited);
    payload.data = Buffer.from(packResolution(resolved)).toString('base64');
    tampered = write('refund-known-limit-raised.json', json, 2);
  });

  it('is DEFINITION_TAMPERED for the library, naming the step and both hashes', async () => {
    expect(editedHash).not.toBe(recordedHash);
    const file = await readHistoryFile(tampered);
    const error = thrownBy(() => caseInput(file));
    expect(error).toBeInstanceOf(AuditError);
    expect(error).toMatchObject({ code: 'DEFINITION_TAMPERED', file: tampered, message: `${tampered}: ${message()}` });
  });

  it('makes `docket audit` and `docket replay` exit 1 with that line', async () => {
    const audit = await docket(['audit', tampered, '--no-replay']);
    expect(audit).toMatchObject({ code: 1, stdout: '', stderr: `docket: ${tampered}: ${message()}\n` });
    const replay = await docket(['replay', tampered, '--bundle', testServer().bundlePath]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toBe(`FAILED  ${tampered}  tampered: ${tampered}: ${message()}\n1 history: 0 ok, 1 failed\n`);
  });
});

describe("the local lookup's marker whose packed bytes no longer unpack", () => {
  it('is DEFINITION_TAMPERED for the library, naming the step and event', async () => {
    const json = JSON.parse(readFileSync(historyLocalLookup('refund-known-definition'), 'utf8')) as {
      events: Array<{
        eventId: string;
        markerRecordedEventAttributes?: { markerName?: string; details: { result: { payloads: JsonPayload[] } } };
      }>;
    };
    const marker = json.events.find((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')!;
    const payload = marker.markerRecordedEventAttributes!.details.result.payloads[0];
    const bytes = Buffer.from(payload.data, 'base64');
    bytes.fill(0xff, 0, 16); // not raw DEFLATE any more
    payload.data = bytes.toString('base64');
    const file = await readHistoryFile(write('refund-known-unpackable.json', json, 2));
    const error = thrownBy(() => caseInput(file));
    expect(error).toBeInstanceOf(AuditError);
    expect(error).toMatchObject({ code: 'DEFINITION_TAMPERED' });
    expect((error as Error).message).toContain(
      `resolveKnownDefinition step's recorded result (event ${marker.eventId}) cannot be unpacked`,
    );
  });
});

describe('a packed definition that no longer unpacks (bytes of definitionDeflated changed)', () => {
  it('is DEFINITION_TAMPERED for the library, naming why and the recorded hash', async () => {
    const json = JSON.parse(readFileSync(ORIGINAL, 'utf8')) as { events: Event[] };
    const scheduled = json.events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'resolveDefinition')!;
    const completed = json.events.find(
      (e) =>
        e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED' &&
        e.activityTaskCompletedEventAttributes.scheduledEventId === scheduled.eventId,
    )!;
    const payload = completed.activityTaskCompletedEventAttributes.result.payloads[0];
    const resolved = decode(payload.data) as { hash: string; definitionDeflated: string };
    expect(typeof resolved.definitionDeflated).toBe('string');
    resolved.definitionDeflated = `AAAA${resolved.definitionDeflated.slice(4)}`;
    payload.data = encode(resolved);
    const file = await readHistoryFile(write('complaint-unpackable.json', json));
    const error = thrownBy(() => caseInput(file));
    expect(error).toBeInstanceOf(AuditError);
    expect(error).toMatchObject({ code: 'DEFINITION_TAMPERED' });
    expect((error as Error).message).toContain(`cannot be unpacked`);
    expect((error as Error).message).toContain(resolved.hash);
  });
});
