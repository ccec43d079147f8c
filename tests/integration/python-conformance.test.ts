/**
 * The wire contract from another SDK: tests/python/conformance.py, a Python process using only
 * `temporalio` from PyPI (the venv of scripts/python-env.ts) and clients/python/docket_client.py,
 * starts a complaint and a refund approval by name, drives both to their end with Updates, checks
 * rejection codes and `allowed` lists, queries the state and lists both cases by DocketProcess.
 * This test deploys the definitions it needs (complaint with short follow-up waits), runs the
 * script against the harness's worker, and checks the outcome with the TypeScript client.
 *
 * The worker requires signed actors, as in production: the script signs every event's actor with
 * the harness's key (`--signing-key`, the private JWK whose public half the worker trusts).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { findPythonEnv } from '../../scripts/python-env';
import { shippedDefinition, withTimings } from '../support/test-definitions';
import { startHarness, type Harness } from '../support/harness';

const SCRIPT = join(__dirname, '..', 'python', 'conformance.py');
/** The script's own limit for the whole scenario; the test waits a little longer. */
const SCENARIO_SECONDS = 180;

interface Summary {
  ok: boolean;
  complaint: { id: string; status: string; outcome: string; state: string[] };
  refund: { id: string; status: string; outcome: string; state: string[]; approvedBy: string[] };
  rejections: Array<{ case: string; event: string; code: string; allowed: string[] }>;
  listed: Array<{ id: string; status: string; DocketProcess: string; DocketState: string; DocketOutcome: string }>;
  /** Two refunds started by full hash with `children`: the second resolved by the worker's local lookup. */
  pinned: { ids: string[]; definitionStep: string; markerBytes: number; signed: boolean };
  seconds: number;
}

/** The venv's python. In CI, .ci/run creates it beforehand; a missing one fails with what to do. */
async function venvPython(): Promise<string> {
  const say = (line: string) => process.stderr.write(`[python-env] ${line}\n`);
  try {
    return (await findPythonEnv({ create: !process.env.CI, onProgress: say })).python;
  } catch (err) {
    if (!process.env.CI) throw err;
    throw new Error(
      `${(err as Error).message}\nIn CI the venv comes from the .ci/run step "Python venv with temporalio" ` +
        '(`npx tsx scripts/python-env.ts`, exported as DOCKET_PYTHON); run that before jest.',
      { cause: err },
    );
  }
}

/** Runs the script (no shell); resolves its exit code and output. */
function runScript(
  python: string,
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // -B: no __pycache__ next to the sources.
    const child = spawn(python, ['-B', SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), (SCENARIO_SECONDS + 30) * 1000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

let h: Harness;
let python: string;
beforeAll(async () => {
  python = await venvPython(); // creating the venv takes up to a minute, once
  h = await startHarness({ deploy: false }); // only what the script needs, deployed below
  await h.docket.deploy(
    [
      withTimings('complaint', { confirmAfter: '1s', satisfactionAfter: '1s', followUpWindow: '1h' }),
      shippedDefinition('refund-approval'),
      shippedDefinition('complaint-monitor'),
    ],
    { deployedBy: 'python-conformance test' },
  );
}, 600_000);
afterAll(async () => {
  await h?.stop();
});

describe('the wire contract from Python (temporalio, no Node)', () => {
  it(
    'starts a complaint and a refund by name, drives both to their end, reads rejections, state and lists',
    async () => {
      expect(h.actorTrust.required).toBe(true);
      // The harness's signing key file (tests/support/harness.ts ensureActorKeyPair); the worker trusts its public half.
      const signingKey = join(h.dataDir, 'actor-keys', 'signing-key.jwk.json');
      const args = ['--address', h.address, '--namespace', h.namespace, '--task-queue', h.taskQueue, '--signing-key', signingKey];
      const run = await runScript(python, [...args, '--run-id', h.caseId('conformance'), '--timeout', String(SCENARIO_SECONDS)]);
      if (run.code !== 0) {
        throw new Error(
          `conformance.py exited with ${run.code ?? `signal ${run.signal}`}\n--- stderr ---\n${run.stderr}\n--- stdout ---\n${run.stdout}`,
        );
      }
      const summary = JSON.parse(run.stdout.trim().split('\n').pop()!) as Summary;
      expect(summary.ok).toBe(true);
      expect(summary.complaint).toMatchObject({ status: 'completed', outcome: 'closed', state: ['closed'] });
      expect(summary.refund).toMatchObject({
        status: 'completed',
        outcome: 'approved',
        state: ['approved'],
        approvedBy: ['sam.sup', 'fay.fin'],
      });
      expect(summary.rejections.map((r) => r.code)).toEqual([
        'EVENT_NOT_ALLOWED',
        'UNKNOWN_EVENT',
        'ROLE_NOT_ALLOWED',
        'INVALID_PAYLOAD',
        'GUARD_FAILED',
        'INVALID_EVENT',
        'CASE_CLOSED',
        'ROLE_NOT_ALLOWED',
        'EVENT_NOT_ALLOWED',
      ]);
      expect(summary.rejections[0].allowed).toEqual(['RESOLVE', 'TRANSFER']);
      expect(summary.rejections[8].allowed).toEqual(['APPROVE', 'REJECT', 'REQUEST_INFO']);
      // Python read the local lookup's packed marker with zlib (the wire contract's format).
      expect(summary.pinned).toMatchObject({ ids: [expect.any(String), expect.any(String)], definitionStep: 'resolveKnownDefinition' });
      expect(summary.pinned.markerBytes).toBeGreaterThan(0);
      expect(summary.listed.map((l) => [l.id, l.DocketProcess, l.DocketOutcome])).toEqual([
        [summary.complaint.id, 'complaint', 'closed'],
        [summary.refund.id, 'refund-approval', 'approved'],
      ]);

      // The TypeScript client sees the same cases, ended where the Python side left them.
      const complaint = await h.docket.state(summary.complaint.id);
      expect(complaint).toMatchObject({ process: 'complaint', status: 'completed', outcome: 'closed', state: ['closed'] });
      expect(complaint.context).toMatchObject({ owner: 'alice', satisfaction: 5, priority: 'P2' });
      // Python's signed actor, verified by the worker: the timeline names the issuer that vouched.
      const accepted = complaint.timeline.find((e) => e.kind === 'transition' && e.event === 'ACCEPT');
      expect(accepted).toMatchObject({ actor: { id: 'alice', roles: ['agent'], issuer: h.signingKey.issuer } });
      const refund = await h.docket.result(summary.refund.id);
      expect(refund.outcome).toBe('approved');
      expect(refund.context).toMatchObject({ route: ['supervisor', 'finance'], heldBy: '' });
    },
    (SCENARIO_SECONDS + 60) * 1000,
  );
});
