/** The registry's book, offline: versions, current, rollback, lookups and refusals. */
import { definitionHash } from '../../../dsl/hash';
import type { ProcessDefinition } from '../../../dsl/types';
import { RegistryBook, RegistryRefusal } from '../../../workflows/registry-book';
import { shippedDefinition } from '../../support/test-definitions';

const refund = shippedDefinition('refund-approval');
const complaint = shippedDefinition('complaint');
const AT = '2026-12-02T08:00:00.000Z';
const retitled = (def: ProcessDefinition, title: string): ProcessDefinition => ({ ...structuredClone(def), title });

function refusal(fn: () => unknown): RegistryRefusal {
  try {
    fn();
  } catch (err) {
    if (err instanceof RegistryRefusal) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('RegistryBook', () => {
  it('numbers versions per process, keeps the current one, and answers by number, hash and hash prefix', () => {
    const book = new RegistryBook();
    expect(book.deploy({ definitions: [refund], deployedBy: 'ann' }, AT).deployed).toEqual([
      { process: 'refund-approval', version: 1, hash: definitionHash(refund), deployedBy: 'ann', deployedAt: AT, change: 'new' },
    ]);
    const v2 = retitled(refund, 'Refund approval, edited');
    expect(book.deploy({ definitions: [v2], deployedBy: 'bob', note: 'CHG-1' }, AT).deployed[0]).toMatchObject({
      version: 2,
      change: 'new',
      note: 'CHG-1',
    });
    expect(book.find({ process: 'refund-approval' })).toMatchObject({ version: 2, current: true, definition: v2 });
    expect(book.find({ process: 'refund-approval', version: 1 })).toMatchObject({ version: 1, current: false, definition: refund });
    expect(book.find({ process: 'refund-approval', version: definitionHash(refund).slice(0, 8) }).version).toBe(1);
    expect(book.find({ process: 'refund-approval', version: definitionHash(v2) }).version).toBe(2);
  });

  it('treats a redeploy of the current body as unchanged and of an earlier body as making it current again', () => {
    const book = new RegistryBook();
    book.deploy({ definitions: [refund], deployedBy: 'ann' }, AT);
    expect(book.deploy({ definitions: [refund], deployedBy: 'ann' }, AT).deployed[0].change).toBe('unchanged');
    book.deploy({ definitions: [retitled(refund, 'x')], deployedBy: 'bob' }, AT);
    expect(book.deploy({ definitions: [refund], deployedBy: 'cy' }, AT).deployed[0]).toMatchObject({ version: 1, change: 'current-again' });
    expect(book.list('refund-approval')[0]).toMatchObject({ current: 1 });
    expect(book.list('refund-approval')[0].versions).toHaveLength(2);
  });

  it('rolls back to an earlier version and logs who did it', () => {
    const book = new RegistryBook();
    book.deploy({ definitions: [refund], deployedBy: 'ann' }, AT);
    book.deploy({ definitions: [retitled(refund, 'x')], deployedBy: 'bob' }, AT);
    expect(book.setCurrent({ process: 'refund-approval', version: 1, by: 'dave' }, AT)).toMatchObject({ version: 1, deployedBy: 'ann' });
    expect(book.list()[0].log.map((l) => [l.version, l.by, l.action])).toEqual([
      [1, 'ann', 'deploy'],
      [2, 'bob', 'deploy'],
      [1, 'dave', 'rollback'],
    ]);
  });

  it('refuses an invalid definition, naming the problem, and deploys nothing', () => {
    const book = new RegistryBook();
    const err = refusal(() => book.deploy({ definitions: [{ ...refund, initial: 'nowhere' }], deployedBy: 'ann' }, AT));
    expect(err.code).toBe('INVALID_DEFINITION');
    expect(err.problems.join('\n')).toMatch(/refund-approval: .*initial.*nowhere/);
    expect(book.list()).toEqual([]);
  });

  it('refuses a parent whose child process is not deployed, and takes it with the child in the same request', () => {
    const book = new RegistryBook();
    expect(refusal(() => book.check({ definitions: [complaint], deployedBy: 'ann' })).problems.join('\n')).toMatch(
      /invokes process "refund-approval", which is not deployed/,
    );
    expect(book.deploy({ definitions: [refund, complaint], deployedBy: 'ann' }, AT).deployed.map((d) => d.process)).toEqual([
      'refund-approval',
      'complaint',
    ]);
  });

  it('refuses unmerged uses:, the same process twice, and a request without a deployer', () => {
    const book = new RegistryBook();
    expect(
      refusal(() => book.check({ definitions: [{ ...refund, uses: ['shared/escalation-ladder.yaml'] }], deployedBy: 'ann' })).problems[0],
    ).toMatch(/uses: .*not merged/);
    expect(refusal(() => book.check({ definitions: [refund, retitled(refund, 'x')], deployedBy: 'ann' })).problems[0]).toMatch(
      /appears twice/,
    );
    expect(refusal(() => book.check({ definitions: [refund], deployedBy: ' ' })).code).toBe('INVALID_REQUEST');
  });

  it('answers unknown processes, versions and prototype names as not deployed', () => {
    const book = new RegistryBook();
    book.deploy({ definitions: [refund], deployedBy: 'ann' }, AT);
    for (const process of ['toString', '__proto__', 'constructor', 'warranty']) {
      expect(refusal(() => book.find({ process })).code).toBe('DEFINITION_NOT_FOUND');
    }
    expect(refusal(() => book.find({ process: 'refund-approval', version: 7 })).message).toMatch(/no version 7/);
    expect(refusal(() => book.find({ process: 'refund-approval', version: 'zz' })).code).toBe('INVALID_REQUEST');
  });

  it('carries its state across continue-as-new unchanged', () => {
    const book = new RegistryBook();
    book.deploy({ definitions: [refund], deployedBy: 'ann' }, AT);
    const carried = new RegistryBook(JSON.parse(JSON.stringify(book.snapshot())));
    expect(carried.find({ process: 'refund-approval' })).toEqual(book.find({ process: 'refund-approval' }));
  });
});
