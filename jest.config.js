/**
 * Three Jest projects:
 *
 * - `unit` (tests/unit): no server, no network beyond loopback, seconds. `npm run test:unit`.
 * - `integration` (tests/integration): the global setup starts a real Temporal dev server (the
 *   `temporal` CLI, found or built by devserver/temporal-cli.ts) on free ports and bundles the
 *   workflow code once; the tests connect to it. Jest runs a project's global setup only when
 *   that project has tests to run, so `--selectProjects unit` starts nothing.
 * - `cluster` (tests/cluster): the fault test on a local Temporal cluster of four server processes
 *   on PostgreSQL, 500 cases, about 10 minutes. `npm run test:cluster`. `npm test` runs it in a Jest
 *   run of its own, before the other two, so it never shares the machine with them.
 *
 * TypeScript is stripped by swc; types are checked by `tsc` in `npm test`.
 */
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  // cel-js, jose and the OpenAPI validator ship ES modules only: let swc turn them into CommonJS for Jest.
  transformIgnorePatterns: ['/node_modules/(?!(@marcbachmann/cel-js|jose|@seriousme/openapi-schema-validator)/)'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/tests/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/support/global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
    },
    // Starts its own Temporal cluster (devserver/cluster.ts), PostgreSQL servers and workers: no global setup.
    { ...common, displayName: 'cluster', testMatch: ['<rootDir>/tests/cluster/**/*.test.ts'] },
  ],
  testTimeout: 120_000,
  maxWorkers: 2,
  verbose: true,
};
