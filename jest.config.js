/**
 * One Jest run for unit and integration tests. The global setup starts a real Temporal dev server
 * (the `temporal` CLI, found or built by devserver/temporal-cli.ts) on free ports and bundles the
 * workflow code once; integration tests connect to it. TypeScript is stripped by swc; types are
 * checked by `tsc --noEmit` in `npm test`.
 */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  // cel-js, jose and the OpenAPI validator ship ES modules only: let swc turn them into CommonJS for Jest.
  transformIgnorePatterns: ['/node_modules/(?!(@marcbachmann/cel-js|jose|@seriousme/openapi-schema-validator)/)'],
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 2,
  verbose: true,
};
