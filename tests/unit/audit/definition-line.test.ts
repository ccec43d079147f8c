/** The audit header's definition line: hash, then where the definition came from (registry or inline). */
import { definitionLine } from '../../../audit/format';
import type { AuditCase } from '../../../audit/timeline';

const base: AuditCase = {
  workflowId: 'R-1',
  process: 'refund-approval',
  title: 'Refund approval',
  definitionHash: 'a'.repeat(64),
  definitionSource: 'registry',
  definitionVersion: 3,
  deployedBy: 'ops.lee',
  deployedAt: '2026-12-01T09:00:00.000Z',
  definitionResolvedAt: '2026-12-02T10:00:00.100Z',
  childVersions: {},
  startedAt: '2026-12-02T10:00:00.000Z',
  status: 'running',
  state: ['review.lead'],
  input: {},
};

it('names the registry version, the deployer and the deploy time after the hash', () => {
  expect(definitionLine(base)).toBe(
    `refund-approval sha256 ${'a'.repeat(64)}, version 3 from the registry, deployed by ops.lee at 2026-12-01T09:00:00.000Z`,
  );
});

it('says an inline definition was never deployed', () => {
  const inline = {
    ...base,
    definitionSource: 'inline' as const,
    definitionVersion: undefined,
    deployedBy: undefined,
    deployedAt: undefined,
  };
  expect(definitionLine(inline)).toBe(
    `refund-approval sha256 ${'a'.repeat(64)}, inline (sent with the start to a development-mode worker; never deployed)`,
  );
});
