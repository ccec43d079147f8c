import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SA_PROCESS, SEARCH_ATTRIBUTE_TYPES } from '../../contract/search-attributes';
import { startDevServer, DevServerError, type DevServer } from '../../devserver/dev-server';
import { ensureSearchAttributes } from '../../devserver/ensure-search-attributes';
import { findTemporalCli } from '../../devserver/temporal-cli';
import { ConfigError, connectionOptions, loadTemporalConfig } from '../../worker/config';
import { testServer } from '../support/server';

const { IndexedValueType } = temporal.api.enums.v1;
const TYPE_CODES = {
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
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
      expect(Object.keys(customAttributes ?? {}).sort()).toEqual(
        expect.arrayContaining(Object.keys(SEARCH_ATTRIBUTE_TYPES).sort()),
      );
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

describe('loadTemporalConfig', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-config-test-'));
    fs.writeFileSync(path.join(dir, 'client.pem'), 'CERT');
    fs.writeFileSync(path.join(dir, 'client.key'), 'KEY');
    fs.writeFileSync(path.join(dir, 'ca.pem'), 'CA');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('defaults to a plain connection to localhost:7233, namespace default, task queue docket', () => {
    const cfg = loadTemporalConfig({});
    expect(cfg).toEqual({ address: 'localhost:7233', namespace: 'default', taskQueue: 'docket' });
    expect(connectionOptions(cfg)).toEqual({ address: 'localhost:7233' });
  });

  it('reads mTLS files, the CA and the server name', () => {
    const cfg = loadTemporalConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'support',
      DOCKET_TASK_QUEUE: 'docket-eu',
      TEMPORAL_TLS_CERT: path.join(dir, 'client.pem'),
      TEMPORAL_TLS_KEY: path.join(dir, 'client.key'),
      TEMPORAL_TLS_CA: path.join(dir, 'ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal',
    });
    expect(cfg.namespace).toBe('support');
    expect(cfg.taskQueue).toBe('docket-eu');
    expect(Buffer.from(cfg.tls!.clientCertPair!.crt).toString()).toBe('CERT');
    expect(Buffer.from(cfg.tls!.clientCertPair!.key).toString()).toBe('KEY');
    expect(Buffer.from(cfg.tls!.serverRootCACertificate!).toString()).toBe('CA');
    expect(cfg.tls!.serverNameOverride).toBe('frontend.temporal');
  });

  it('turns TLS on for an API key (Temporal Cloud)', () => {
    const cfg = loadTemporalConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k' });
    expect(connectionOptions(cfg)).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'k' });
  });

  it('names the variable and the file when a certificate file is missing', () => {
    const missing = path.join(dir, 'nope.pem');
    const load = () =>
      loadTemporalConfig({ TEMPORAL_TLS_CERT: missing, TEMPORAL_TLS_KEY: path.join(dir, 'client.key') });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(`TEMPORAL_TLS_CERT: cannot read "${missing}": no such file`);
  });

  it('requires the key with the certificate, and the certificate with the key', () => {
    expect(() => loadTemporalConfig({ TEMPORAL_TLS_CERT: path.join(dir, 'client.pem') })).toThrow(
      'TEMPORAL_TLS_KEY: is required when TEMPORAL_TLS_CERT is set',
    );
    expect(() => loadTemporalConfig({ TEMPORAL_TLS_KEY: path.join(dir, 'client.key') })).toThrow(
      'TEMPORAL_TLS_CERT: is required when TEMPORAL_TLS_KEY is set',
    );
  });

  it('rejects a URL as the address and a non-boolean TEMPORAL_TLS', () => {
    expect(() => loadTemporalConfig({ TEMPORAL_ADDRESS: 'http://localhost:7233' })).toThrow(
      'TEMPORAL_ADDRESS: expected host:port (e.g. localhost:7233), got "http://localhost:7233"',
    );
    expect(() => loadTemporalConfig({ TEMPORAL_TLS: 'yes' })).toThrow('TEMPORAL_TLS: expected true or false, got "yes"');
  });
});

async function withClient(server: DevServer, fn: (client: Client) => Promise<void>): Promise<void> {
  const connection = await Connection.connect({ address: server.address });
  try {
    await fn(new Client({ connection, namespace: server.namespace }));
  } finally {
    await connection.close();
  }
}
