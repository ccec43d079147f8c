import { join } from 'node:path';
import { formatDiagnostic, validateFiles } from '../../../dsl';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');

describe('validateFiles', () => {
  it('validates every YAML file of a directory, valid ones with their process id', async () => {
    const report = await validateFiles([join(FIXTURES, 'valid')]);
    expect(report.errorCount).toBe(0);
    expect(report.files.map((f) => [f.ok, f.process])).toEqual([
      [true, 'minimal'],
      [true, 'refund-request'],
    ]);
  });

  it('reports a path that does not exist instead of throwing', async () => {
    const missing = join(FIXTURES, 'no-such-file.yaml');
    const report = await validateFiles([missing, join(FIXTURES, 'valid', 'minimal.yaml')]);
    expect(report.errorCount).toBe(1);
    expect(report.files[0]).toMatchObject({ file: missing, ok: false });
    expect(report.files[0].diagnostics.map(formatDiagnostic)).toEqual([`${missing}:1:1: file not found; check the path`]);
    expect(report.files[1].ok).toBe(true);
  });

  it('reports a process id defined by two files, on the second', async () => {
    const dir = join(FIXTURES, 'invalid', 'duplicate-process-id');
    const report = await validateFiles([dir]);
    expect(report.files.map((f) => f.ok)).toEqual([true, false]);
    expect(report.files[1].diagnostics.map(formatDiagnostic)).toEqual([
      `${join(dir, 'second.yaml')}:1:10: process: process id "fixture" is already defined in ${join(dir, 'first.yaml')}; rename one of them`,
    ]);
  });

  it("checks a child process's with against the child's input schema (CHILD_INPUT_MISMATCH), found beside the parent", async () => {
    const dir = join(FIXTURES, 'invalid', 'child-input-mismatch');
    const parent = join(dir, 'parent.yaml');
    const report = await validateFiles([parent]);
    expect(report.files.map((f) => f.ok)).toEqual([false]);
    expect(report.files[0].diagnostics.map((d) => d.code)).toEqual(['CHILD_INPUT_MISMATCH', 'CHILD_INPUT_MISMATCH']);
    expect(report.files[0].diagnostics.map(formatDiagnostic)).toEqual([
      `${parent}:9:7: states.refunding.invoke.with: child process "warranty-refund" needs with.customerId (its input requires: amount, customerId)`,
      `${parent}:11:9: states.refunding.invoke.with.reson: child process "warranty-refund" does not take input "reson" (did you mean "reason"? its input allows: amount, customerId, reason)`,
    ]);
  });

  it('counts every diagnostic of every file', async () => {
    const report = await validateFiles([join(FIXTURES, 'invalid')]);
    expect(report.files.length).toBeGreaterThan(30);
    expect(report.files.every((f) => !f.ok)).toBe(true);
    expect(report.errorCount).toBe(report.files.length);
  });
});

describe('shipped definitions', () => {
  it('all validate', async () => {
    const report = await validateFiles([join(__dirname, '..', '..', '..', 'definitions')]);
    expect(report.files.flatMap((f) => f.diagnostics.map(formatDiagnostic))).toEqual([]);
    expect(report.files.length).toBeGreaterThan(0);
  });
});
