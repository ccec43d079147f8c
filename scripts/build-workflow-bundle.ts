/**
 * `npm run build:bundle [outFile] [--tracing]`: bundles the workflow code once, ahead of time
 * (worker/workflow-bundle.ts says why and how to ship it). Prints the file, its size and the time.
 */
import { buildWorkflowBundle } from '../worker/workflow-bundle';

const started = Date.now();
const args = process.argv.slice(2);
const tracing = args.includes('--tracing');
buildWorkflowBundle({ outFile: args.find((a) => a !== '--tracing'), tracing })
  .then(({ path: file, bytes }) => {
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(`${file} (${(bytes / 1024).toFixed(0)} KiB, ${secs}s${tracing ? ', with tracing' : ''})\n`);
  })
  .catch((err: unknown) => {
    process.stderr.write(`build-workflow-bundle: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
