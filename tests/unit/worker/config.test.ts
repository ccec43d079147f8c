/**
 * Connection settings through @temporalio/envconfig (TOML profiles and TEMPORAL_* variables, as
 * the temporal CLI reads them) and docket's own DOCKET_* table. Each case passes its own
 * environment, so nothing on this machine (a ~/.config/temporalio/temporal.toml) leaks in.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, connectionOptions, loadTemporalConfig } from '../../../worker/config';
import { checkDocketVariables, DOCKET_SETTINGS } from '../../../worker/settings';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-config-test-'));
  fs.writeFileSync(path.join(dir, 'client.pem'), 'CERT');
  fs.writeFileSync(path.join(dir, 'client.key'), 'KEY');
  fs.writeFileSync(path.join(dir, 'ca.pem'), 'CA');
  fs.writeFileSync(
    path.join(dir, 'temporal.toml'),
    `[profile.default]
address = "temporal.internal:7233"
namespace = "support"

[profile.cloud]
address = "support.acct.tmprl.cloud:7233"
namespace = "support.acct"
api_key = "from-the-profile"

[profile.mtls]
address = "temporal.internal:7233"
[profile.mtls.tls]
client_cert_path = "${path.join(dir, 'client.pem')}"
client_key_path = "${path.join(dir, 'client.key')}"
server_ca_cert_path = "${path.join(dir, 'ca.pem')}"
server_name = "frontend.temporal"
`,
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const file = () => path.join(dir, 'temporal.toml');

describe('loadTemporalConfig', () => {
  it('defaults to a plain connection to localhost:7233, namespace default, task queue docket', () => {
    const cfg = loadTemporalConfig({});
    expect(cfg).toEqual({ address: 'localhost:7233', namespace: 'default', taskQueue: 'docket', profile: 'default' });
    expect(connectionOptions(cfg)).toEqual({ address: 'localhost:7233' });
  });

  it('reads the default profile of the TOML file, and the variables over it', () => {
    expect(loadTemporalConfig({ TEMPORAL_CONFIG_FILE: file() })).toMatchObject({
      address: 'temporal.internal:7233',
      namespace: 'support',
      configFile: file(),
    });
    expect(
      loadTemporalConfig({ TEMPORAL_CONFIG_FILE: file(), TEMPORAL_NAMESPACE: 'billing', DOCKET_TASK_QUEUE: 'docket-eu' }),
    ).toMatchObject({
      address: 'temporal.internal:7233',
      namespace: 'billing',
      taskQueue: 'docket-eu',
    });
  });

  it('reads the profile named by TEMPORAL_PROFILE: an API key turns TLS on (Temporal Cloud)', () => {
    const cfg = loadTemporalConfig({ TEMPORAL_CONFIG_FILE: file(), TEMPORAL_PROFILE: 'cloud' });
    expect(cfg).toMatchObject({ namespace: 'support.acct', profile: 'cloud' });
    expect(connectionOptions(cfg)).toEqual({ address: 'support.acct.tmprl.cloud:7233', tls: {}, apiKey: 'from-the-profile' });
  });

  it('reads mTLS files, the CA and the server name, from a profile or from the variables', () => {
    for (const cfg of [
      loadTemporalConfig({ TEMPORAL_CONFIG_FILE: file(), TEMPORAL_PROFILE: 'mtls' }),
      loadTemporalConfig({
        TEMPORAL_ADDRESS: 'temporal.internal:7233',
        TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'client.pem'),
        TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'client.key'),
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'ca.pem'),
        TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal',
      }),
    ]) {
      expect(Buffer.from(cfg.tls!.clientCertPair!.crt).toString()).toBe('CERT');
      expect(Buffer.from(cfg.tls!.clientCertPair!.key).toString()).toBe('KEY');
      expect(Buffer.from(cfg.tls!.serverRootCACertificate!).toString()).toBe('CA');
      expect(cfg.tls!.serverNameOverride).toBe('frontend.temporal');
    }
  });

  it('names the variable, or the profile entry, of a certificate file that is missing', () => {
    const missing = path.join(dir, 'nope.pem');
    const load = () =>
      loadTemporalConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: missing, TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'client.key') });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(`TEMPORAL_TLS_CLIENT_CERT_PATH: cannot read "${missing}": no such file`);
    const toml = path.join(dir, 'broken.toml');
    fs.writeFileSync(toml, `[profile.default.tls]\nserver_ca_cert_path = "${missing}"\n`);
    expect(() => loadTemporalConfig({ TEMPORAL_CONFIG_FILE: toml })).toThrow(
      `${toml} [profile.default] tls.server_ca_cert_path: cannot read "${missing}": no such file`,
    );
  });

  it('requires the key with the certificate, and the certificate with the key', () => {
    expect(() => loadTemporalConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'client.pem') })).toThrow(
      'TEMPORAL_TLS_CLIENT_KEY_PATH: is required with a client certificate (mTLS needs both)',
    );
    expect(() => loadTemporalConfig({ TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'client.key') })).toThrow(
      'TEMPORAL_TLS_CLIENT_CERT_PATH: is required with a client key',
    );
  });

  it('says which name replaced a variable docket used to read', () => {
    expect(() => loadTemporalConfig({ TEMPORAL_TLS_CERT: 'c.pem' })).toThrow(
      "TEMPORAL_TLS_CERT: is no longer read: docket uses Temporal's own setting names now; set TEMPORAL_TLS_CLIENT_CERT_PATH instead",
    );
    expect(() => loadTemporalConfig({ TEMPORAL_TLS_CA: 'ca.pem' })).toThrow('set TEMPORAL_TLS_SERVER_CA_CERT_PATH instead');
  });

  it('refuses a missing config file, an unknown profile, a URL as the address and a non-boolean TEMPORAL_TLS', () => {
    expect(() => loadTemporalConfig({ TEMPORAL_CONFIG_FILE: path.join(dir, 'none.toml') })).toThrow(/^TEMPORAL_CONFIG_FILE: no such file/);
    expect(() => loadTemporalConfig({ TEMPORAL_CONFIG_FILE: file(), TEMPORAL_PROFILE: 'prod' })).toThrow(
      `TEMPORAL_PROFILE: no profile "prod" in ${file()}`,
    );
    expect(() => loadTemporalConfig({ TEMPORAL_ADDRESS: 'http://localhost:7233' })).toThrow(
      'TEMPORAL_ADDRESS: expected host:port (e.g. localhost:7233), got "http://localhost:7233"',
    );
    expect(() => loadTemporalConfig({ TEMPORAL_TLS: 'yes' })).toThrow('TEMPORAL_TLS: expected true or false, got "yes"');
  });
});

describe('DOCKET_* settings', () => {
  it('accepts every setting in the table, and other variables', () => {
    expect(() => checkDocketVariables(Object.fromEntries(DOCKET_SETTINGS.map((s) => [s.name, 'x'])))).not.toThrow();
    expect(() => checkDocketVariables({ PATH: '/bin', TEMPORAL_ADDRESS: 'x:1' })).not.toThrow();
  });

  it('refuses an unknown DOCKET_* variable, with the nearest setting', () => {
    expect(() => checkDocketVariables({ DOCKET_LOG_LEVLE: 'debug' })).toThrow(
      'DOCKET_LOG_LEVLE: is not a docket setting (did you mean "DOCKET_LOG_LEVEL"?); docket\'s settings are listed in docs/configuration.md (unset it, or fix its name)',
    );
    expect(() => checkDocketVariables({ DOCKET_COLOUR: '1' })).toThrow(/^DOCKET_COLOUR: is not a docket setting; /);
  });

  it('are the ones docs/configuration.md lists, in the same order', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'configuration.md'), 'utf8');
    const listed = [...doc.matchAll(/^\| `(DOCKET_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(listed).toEqual(DOCKET_SETTINGS.map((s) => s.name));
  });
});
