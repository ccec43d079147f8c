#!/usr/bin/env node
'use strict';
// Runs the compiled CLI in dist/ (`npm run build`; `npm install` runs it through `prepare`): a
// plain `node` start, no TypeScript compiler on the way. Paths are relative to this file, so
// `docket` works from any directory.
const path = require('node:path');
let cli;
try {
  cli = require('../dist/cli/main.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(path.join('dist', 'cli', 'main.js'))) {
    process.stderr.write(`docket: not built yet: run \`npm run build\` in ${path.resolve(__dirname, '..')} (npm install does it too)\n`);
    process.exit(2);
  }
  throw err;
}
cli.main(process.argv).catch((err) => {
  process.stderr.write(`docket: internal error: ${err && err.message ? err.message : err}\n`);
  process.exitCode = 2;
});
