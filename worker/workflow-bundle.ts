/**
 * Bundles the workflow code (`workflows/index.ts` and everything it imports) once, ahead of time.
 *
 * Production: build the bundle in CI with `npm run build:bundle`, ship `dist/workflow-bundle.js`
 * with the worker image and set `DOCKET_WORKFLOW_BUNDLE=dist/workflow-bundle.js`. Workers then
 * start in well under a second (no webpack at start), and every worker replica runs byte-for-byte
 * the same workflow code. The bundle must be built with the same `@temporalio/worker` version the
 * worker runs. Without the variable, the worker bundles `workflows/` itself at start.
 *
 * `npm run build:bundle [outFile] [--tracing]` (scripts/build-workflow-bundle.ts) runs it; default
 * `dist/workflow-bundle.js`; `--tracing` builds in the OpenTelemetry workflow interceptors, which a
 * worker with tracing on needs (docs/tracing.md).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflowCode, type Logger } from '@temporalio/worker';
import { packageRoot } from '../client/package-root';
import { WORKFLOW_INTERCEPTOR_MODULES } from './workflow-interceptors';
import { PAYLOAD_CONVERTER_PATH, WORKFLOW_BUNDLER_OPTIONS } from './workflow-bundle-options';
import { TRACING_WORKFLOW_MODULE } from './tracing';

export const DEFAULT_BUNDLE_PATH = path.join(packageRoot(), 'dist', 'workflow-bundle.js');

export interface BuildWorkflowBundleOptions {
  /** Workflow entry module. Default: `workflows/index.ts` of this repo. */
  workflowsPath?: string;
  /** Where to write the bundle. Default `dist/workflow-bundle.js`. */
  outFile?: string;
  /** Receives the bundler's messages. Default: only warnings and errors, on stderr. */
  logger?: Logger;
  /** Build in the OpenTelemetry workflow interceptors, for workers that trace (worker/tracing.ts). Default false. */
  tracing?: boolean;
}

export interface WorkflowBundleFile {
  path: string;
  bytes: number;
}

/** Bundles the workflow code and writes it atomically (temp file, then rename). */
export async function buildWorkflowBundle(options: BuildWorkflowBundleOptions = {}): Promise<WorkflowBundleFile> {
  const workflowsPath = options.workflowsPath ?? require.resolve('../workflows');
  const outFile = path.resolve(options.outFile ?? DEFAULT_BUNDLE_PATH);
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES, ...(options.tracing ? [TRACING_WORKFLOW_MODULE] : [])],
    ...WORKFLOW_BUNDLER_OPTIONS,
    payloadConverterPath: PAYLOAD_CONVERTER_PATH,
    logger: options.logger ?? quietLogger(),
  });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const tmp = `${outFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, code);
  fs.renameSync(tmp, outFile);
  return { path: outFile, bytes: Buffer.byteLength(code) };
}

function quietLogger(): Logger {
  const write = (level: string, message: string, meta?: unknown) => {
    if (level === 'WARN' || level === 'ERROR') {
      process.stderr.write(`[bundle] ${level} ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}\n`);
    }
  };
  return {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
}
