/**
 * `docket deploy` refuses a definition whose `index:` fields need search attributes the namespace
 * lacks (asked of the real server with listSearchAttributes), naming the field, the attribute and
 * how many of docket's index attributes the namespace has. The namespace is a fresh one on the
 * test server with only some of docket's attributes registered, as a production namespace set up
 * by hand might be. The refusal comes before anything is sent to the registry, so no worker runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { missingIndexAttributes } from '../../cli/commands/index-attributes';
import { ensureSearchAttributes } from '../../devserver/ensure-search-attributes';
import type { DefinitionBundle, ProcessDefinition } from '../../dsl/types';
import { runCli } from '../support/run-cli';
import { testServer } from '../support/server';

const namespace = `docket-index-${Date.now().toString(36)}`;
let connection: Connection;
let client: Client;
let dir: string;

const definition: ProcessDefinition = {
  process: 'indexed',
  title: 'Indexed',
  roles: ['agent'],
  index: { customer: '"c-1"', amount: '12.5' },
  events: { CLOSE: { by: ['agent'] } },
  initial: 'open',
  states: { open: { on: { CLOSE: 'closed' } }, closed: { type: 'final', outcome: 'closed' } },
};
const bundle: DefinitionBundle = { definition, hash: 'not-used-by-the-check' };

beforeAll(async () => {
  connection = await Connection.connect({ address: testServer().address });
  await connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  client = new Client({ connection, namespace });
  // A new namespace is known to the frontend once its cache refreshes: wait until it answers.
  for (let answered = false; !answered;) {
    answered = await connection.operatorService.listSearchAttributes({ namespace }).then(
      () => true,
      () => false,
    );
    if (!answered) await new Promise((r) => setTimeout(r, 500));
  }
  // Only the customer attribute of docket's five index attributes (and the engine's own).
  await ensureSearchAttributes(connection, namespace, {
    DocketProcess: 'Keyword',
    DocketState: 'Keyword',
    DocketCustomer: 'Keyword',
  });
  dir = mkdtempSync(join(tmpdir(), 'docket-index-'));
  writeFileSync(
    join(dir, 'indexed.yaml'),
    [
      'process: indexed',
      'title: Indexed',
      'roles: [agent]',
      'index:',
      '  customer: \'"c-1"\'',
      '  amount: "12.5"',
      'events:',
      '  CLOSE: { by: [agent] }',
      'initial: open',
      'states:',
      '  open:',
      '    on: { CLOSE: closed }',
      '  closed: { type: final, outcome: closed }',
      '',
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await connection?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('names each index field whose attribute the namespace lacks, and nothing for those it has', async () => {
  const problems = await missingIndexAttributes(client, [{ file: 'indexed.yaml', bundle }]);
  expect(problems).toEqual([
    `indexed.yaml: index.amount is upserted as the search attribute DocketAmount (Double), which namespace "${namespace}" does not have; ` +
      "it has 1 of docket's 5 index attributes (DocketCustomer). " +
      `Register it (temporal operator search-attribute create --namespace ${namespace} --name DocketAmount --type Double; ` +
      'Temporal Cloud: tcld namespace search-attributes add) or remove the field [INDEX_FIELD_UNAVAILABLE]',
  ]);
  const customerOnly = { ...bundle, definition: { ...definition, index: { customer: '"c-1"' } } };
  expect(await missingIndexAttributes(client, [{ file: 'indexed.yaml', bundle: customerOnly }])).toEqual([]);
});

it('docket deploy refuses the definition before deploying anything, exit 1', async () => {
  const file = join(dir, 'indexed.yaml');
  const run = await runCli(['deploy', file], { TEMPORAL_ADDRESS: testServer().address, TEMPORAL_NAMESPACE: namespace });
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('nothing was deployed: the namespace lacks search attributes these definitions index:');
  expect(run.stderr).toContain(`${file}: index.amount is upserted as the search attribute DocketAmount (Double)`);
  expect(run.stderr).not.toMatch(/^\s+at /m); // a user error: no stack trace
});
