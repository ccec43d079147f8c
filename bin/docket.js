#!/usr/bin/env node
'use strict';
// Runs the TypeScript sources directly: tsx compiles them on load. Paths are relative to this
// file, so `docket` works from any directory.
require('tsx/cjs');
require('../cli/main.ts')
  .main(process.argv)
  .catch((err) => {
    process.stderr.write(`docket: internal error: ${err && err.message ? err.message : err}\n`);
    process.exitCode = 2;
  });
