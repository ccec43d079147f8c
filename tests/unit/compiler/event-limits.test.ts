import { checkEventBounds, DEFAULT_EVENT_BYTES, MAX_EVENT_DATA_DEPTH } from '../../../compiler/event-limits';

const actor = { id: 'alice', roles: ['agent'] };
const nested = (depth: number) => {
  let data: unknown = 1;
  for (let i = 0; i < depth; i++) data = { a: data };
  return data as Record<string, unknown>;
};

describe('event bounds', () => {
  it('lets ordinary events through', () => {
    expect(checkEventBounds({ type: 'RESOLVE', actor, data: { resolution: 'refunded', refund: { amount: 12.5 } } })).toBeUndefined();
    expect(checkEventBounds({ type: 'RESOLVE', actor, data: nested(MAX_EVENT_DATA_DEPTH - 1) })).toBeUndefined();
  });

  it('refuses data nested deeper than the limit, however deep, without walking all of it', () => {
    expect(checkEventBounds({ type: 'X', actor, data: nested(MAX_EVENT_DATA_DEPTH + 1) })?.code).toBe('INVALID_EVENT');
    // 100,000 levels: a walk that recursed to the bottom would overflow the stack and throw.
    expect(checkEventBounds({ type: 'X', actor, data: nested(100_000) })?.code).toBe('INVALID_EVENT');
  });

  it('refuses events over the byte limit as PAYLOAD_TOO_LARGE, counting UTF-8 bytes, with the limit in the message', () => {
    const rejection = checkEventBounds({ type: 'X', actor, data: { note: 'n'.repeat(DEFAULT_EVENT_BYTES) } });
    expect(rejection).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining(String(DEFAULT_EVENT_BYTES)) });
    expect(checkEventBounds({ type: 'X', actor, data: { note: '€'.repeat(30_000) } })?.code).toBe('PAYLOAD_TOO_LARGE'); // 90 KB in UTF-8
    expect(checkEventBounds({ type: 'X', actor, data: { note: 'n'.repeat(2000) } }, 1024)?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(checkEventBounds({ type: 'X', actor, data: { list: new Array(70_000).fill(0) } })?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses absurd names and role lists as INVALID_EVENT', () => {
    expect(checkEventBounds({ type: 'X'.repeat(201), actor })?.code).toBe('INVALID_EVENT');
    expect(checkEventBounds({ type: 'X', actor: { id: 'a'.repeat(201), roles: [] } })?.code).toBe('INVALID_EVENT');
    expect(checkEventBounds({ type: 'X', actor: { id: 'a', roles: new Array(51).fill('agent') } })?.code).toBe('INVALID_EVENT');
  });
});
