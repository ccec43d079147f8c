/**
 * The `docket` command line: one command per file under cli/commands/, each building a report
 * and printing it (readable by default, `--json` for machines). Errors end in cli/run-command.ts.
 *
 *   docket validate                      # every definition under definitions/
 *   docket graph definitions/complaint.yaml
 *   docket dev                           # local Temporal + worker
 *   docket deploy                        # publish every definition under definitions/
 *   docket start complaint --id C-1001 --input-file complaint.json
 *   docket send C-1001 ACCEPT --as agent:alice
 *   docket state C-1001
 */
import { Command, CommanderError } from 'commander';
import * as audit from './commands/audit';
import * as db from './commands/db';
import * as definitions from './commands/definitions';
import * as deploy from './commands/deploy';
import * as dev from './commands/dev';
import * as graph from './commands/graph';
import * as history from './commands/history';
import * as list from './commands/list';
import * as replay from './commands/replay';
import * as result from './commands/result';
import * as rollback from './commands/rollback';
import * as send from './commands/send';
import * as serve from './commands/serve';
import * as signal from './commands/signal';
import * as start from './commands/start';
import * as state from './commands/state';
import * as wait from './commands/wait';
import * as test from './commands/test';
import * as token from './commands/token';
import * as validate from './commands/validate';
import * as whatif from './commands/whatif';
import * as worker from './commands/worker';
import { packageVersion } from '../client/package-root';
import { checkDocketVariables } from '../worker/settings';
import { reportError } from './run-command';

const COMMANDS = [
  validate,
  test,
  graph,
  deploy,
  definitions,
  rollback,
  start,
  send,
  signal,
  state,
  wait,
  list,
  history,
  result,
  replay,
  audit,
  whatif,
  dev,
  worker,
  serve,
  token,
  db,
];
/** Commands that run a worker: what the Temporal SDK leaves open when it fails can hold the process. */
const LONG_RUNNING = new Set(['dev', 'worker', 'serve']);
const GRACE_MS = 3000;

/** The program, with every command registered. Commander errors are thrown, not exited on. */
export function buildProgram(): Command {
  const version = packageVersion();
  const program = new Command('docket')
    .description('Durable customer-service processes: YAML definitions, validated, compiled to XState, run on Temporal.')
    .version(version, '-V, --version')
    // `docket start complaint --version 2` is the start command's option, not the program's.
    .enablePositionalOptions()
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError()
    // Settings made before `.command()` are inherited by every command.
    .exitOverride();
  for (const command of COMMANDS) command.register(program);
  program.hook('postAction', (_program, command) => {
    if (LONG_RUNNING.has(command.name())) exitIfStillHeld();
  });
  program.addHelpText(
    'after',
    [
      '',
      "Connection: the temporal CLI's settings (TEMPORAL_ADDRESS, default localhost:7233, TEMPORAL_NAMESPACE,",
      'TEMPORAL_PROFILE and TEMPORAL_CONFIG_FILE for TOML profiles, TEMPORAL_TLS_*, TEMPORAL_API_KEY).',
      "docket's own: DOCKET_TASK_QUEUE, DOCKET_DATA_DIR, DOCKET_DEBUG=1 (stack traces) and the others in",
      'docs/configuration.md; an unknown DOCKET_* variable is refused.',
      'Exit codes: 0 ok, 1 a problem you can fix (message says what), 2 an internal error.',
    ].join('\n'),
  );
  return program;
}

let stdoutGuarded = false;

/** Runs the CLI on `argv` (as `process.argv`); sets `process.exitCode`, never exits. */
export async function main(argv: string[] = process.argv): Promise<void> {
  // `docket list | head` closes stdout early: that is not an error. Once per process: tests run
  // `main` many times in one.
  if (!stdoutGuarded) {
    stdoutGuarded = true;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') reportError(err);
    });
  }
  try {
    // A mistyped DOCKET_* variable would otherwise be ignored without a word.
    checkDocketVariables();
    await buildProgram().parseAsync(argv);
  } catch (err) {
    // Commander has already printed its message (unknown option, missing argument, help).
    if (err instanceof CommanderError) process.exitCode = err.exitCode;
    else reportError(err);
  }
}

/**
 * After `dev` or `worker` has finished (stopped cleanly, or failed and been reported), exits once a
 * grace period has passed if something (seen: a worker that failed while starting) still keeps the
 * event loop alive. The timer is unref'd, so a process with nothing left open exits at once.
 */
function exitIfStillHeld(): void {
  setTimeout(() => {
    process.stderr.write('docket: the worker left resources open after stopping; exiting\n');
    process.exit();
  }, GRACE_MS).unref();
}

if (require.main === module) void main();
