import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SA_PROCESS, SEARCH_ATTRIBUTE_TYPES } from '../../contract/search-attributes';
import { startDevServer, DevServerError, type DevServer } from '../../devserver/dev-server';
import { ensureSearchAttributes } from '../../devserver/ensure-search-attributes';
import { findTemporalCli } from '../../devserver/temporal-cli';
import { testServer } from '../support/server';

const { IndexedValueType } = temporal.api.enums.v1;
const TYPE_CODES = {
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  Double: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
};

describe('the shared test dev server', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await Connection.connect({ address: testServer().address });
  });
  afterAll(() => connection.close());

  it('has every docket search attribute registered with its type', async () => {
    const { namespace } = testServer();
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) {
      expect([name, customAttributes?.[name]]).toEqual([name, TYPE_CODES[type]]);
    }
  });

  it('ensureSearchAttributes is idempotent: a second run adds nothing', async () => {
    const result = await ensureSearchAttributes(connection, testServer().namespace);
    expect(result.added).toEqual([]);
    expect(result.existing.sort()).toEqual(Object.keys(SEARCH_ATTRIBUTE_TYPES).sort());
  });

  it('ensureSearchAttributes refuses an attribute that exists with another type, naming it', async () => {
    await expect(ensureSearchAttributes(connection, testServer().namespace, { DocketProcess: 'Double' })).rejects.toThrow(
      /DocketProcess is Keyword, docket needs Double/,
    );
  });
});

describe('startDevServer', () => {
  let dataDir: string;
  let server: DevServer | undefined;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-devserver-test-'));
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('comes back on the same data dir with the open case and the search attributes added since', async () => {
    const cliPath = await findTemporalCli();
    // First life: a database that only knows DocketProcess (as an older docket would have made).
    server = await startDevServer({ dataDir, cliPath, searchAttributes: { DocketProcess: 'Keyword' } });
    const workflowId = `restart-probe-${Date.now()}`;
    await withClient(server, async (client) => {
      await client.workflow.start('restartProbe', {
        taskQueue: 'no-worker-polls-this',
        workflowId,
        typedSearchAttributes: [{ key: SA_PROCESS, value: 'restart-probe' }],
      });
    });
    await server.stop();
    const port = Number(server.address.split(':')[1]);

    // Second life: same file, same port, docket's full attribute set.
    server = await startDevServer({ dataDir, cliPath, port });
    await withClient(server, async (client) => {
      const description = await client.workflow.getHandle(workflowId).describe();
      expect(description.status.name).toBe('RUNNING');
      expect(description.typedSearchAttributes.get(SA_PROCESS)).toBe('restart-probe');

      const { customAttributes } = await client.connection.operatorService.listSearchAttributes({
        namespace: 'default',
      });
      expect(Object.keys(customAttributes ?? {}).sort()).toEqual(expect.arrayContaining(Object.keys(SEARCH_ATTRIBUTE_TYPES).sort()));
    });
  });

  it('refuses a port that is already taken instead of talking to the other server', async () => {
    const port = Number(testServer().address.split(':')[1]);
    const attempt = startDevServer({ dataDir, cliPath: await findTemporalCli(), port });
    await expect(attempt).rejects.toThrow(DevServerError);
    await expect(attempt).rejects.toThrow(`port ${port} (port) is already in use`);
  });

  it('reports the server output when the server cannot start', async () => {
    const fakeCli = path.join(dataDir, 'temporal');
    fs.writeFileSync(fakeCli, '#!/bin/sh\necho "Error: unknown flag --bogus" >&2\nexit 3\n', { mode: 0o755 });
    const attempt = startDevServer({ dataDir, cliPath: fakeCli });
    await expect(attempt).rejects.toThrow(/exited with code 3[\s\S]*unknown flag --bogus/);
  });
});

// loadTemporalConfig: tests/unit/worker/config.test.ts (no server needed).

async function withClient(server: DevServer, fn: (client: Client) => Promise<void>): Promise<void> {
  const connection = await Connection.connect({ address: server.address });
  try {
    await fn(new Client({ connection, namespace: server.namespace }));
  } finally {
    await connection.close();
  }
}
