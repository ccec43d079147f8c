/**
 * Temporal's time-skipping test server for tests whose timers must fire: the Java test server
 * (`io.temporal:temporal-test-server`) from Maven Central, run by
 * `TestWorkflowEnvironment.createTimeSkipping` as an existing executable. Virtual time jumps to
 * the next timer whenever every workflow is waiting, so a 24-hour deadline fires in milliseconds
 * and a test never sleeps to see it.
 *
 * Why not the SDK's default: `createTimeSkipping()` downloads a native build of the same server
 * from temporal.download, which this project's machines cannot reach; Maven Central they can.
 *
 * Lookup order: `TEMPORAL_TEST_SERVER_PATH` (an executable taking the port as its argument); the
 * cache `${XDG_CACHE_HOME:-~/.cache}/docket/temporal-test-server-<version>/temporal-test-server`;
 * else, with `install: true`, Maven (`mvn dependency:copy-dependencies`, about 35 MB of jars, once)
 * into that cache, built in a temporary directory beside it and renamed into place. Needs Java
 * 11 or later (`java` on PATH) to run, and `mvn` to install.
 *
 * Runnable: `npx tsx scripts/temporal-test-server.ts` prints the launcher's path (installing).
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeAbandonedBuilds } from '../../devserver/abandoned-builds';
import { forEachLine } from '../../devserver/line-stream';

/** The Java SDK release whose test server is used (any recent one serves the same API). */
export const TEST_SERVER_VERSION = '1.31.0';
const LAUNCHER = 'temporal-test-server';

export class TestServerNotFoundError extends Error {
  override name = 'TestServerNotFoundError';
}

export function testServerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'docket', `temporal-test-server-${TEST_SERVER_VERSION}`);
}

export async function findTestServer(
  options: { install?: boolean; onProgress?: (line: string) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const env = options.env ?? process.env;
  const explicit = env.TEMPORAL_TEST_SERVER_PATH;
  if (explicit) {
    if (!isExecutable(explicit))
      throw new TestServerNotFoundError(
        `TEMPORAL_TEST_SERVER_PATH is set to "${explicit}", which is not an executable file; fix or unset it.`,
      );
    return explicit;
  }
  const cached = path.join(testServerCacheDir(env), LAUNCHER);
  if (isExecutable(cached)) return cached;
  const hint = `Install Java 11+ and Maven (apt-get install default-jdk-headless maven) and run \`npx tsx scripts/temporal-test-server.ts\`, or set TEMPORAL_TEST_SERVER_PATH.`;
  if (!options.install) throw new TestServerNotFoundError(`The time-skipping test server is not in ${cached}. ${hint}`);
  for (const tool of ['java', 'mvn']) {
    if (!(await answers(tool, ['-version'], env)))
      throw new TestServerNotFoundError(
        `The time-skipping test server is not in ${cached}, and \`${tool}\` is not installed to fetch and run it. ${hint}`,
      );
  }
  return install(env, options.onProgress ?? (() => undefined));
}

async function install(env: NodeJS.ProcessEnv, onProgress: (line: string) => void): Promise<string> {
  const cacheDir = testServerCacheDir(env);
  const parent = path.dirname(cacheDir);
  fs.mkdirSync(parent, { recursive: true });
  removeAbandonedBuilds(parent, 'test-server-build');
  const buildDir = fs.mkdtempSync(path.join(parent, `.test-server-build-${process.pid}-`));
  try {
    fs.writeFileSync(
      path.join(buildDir, 'pom.xml'),
      `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>docket</groupId><artifactId>temporal-test-server-launcher</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId><version>${TEST_SERVER_VERSION}</version></dependency>
  </dependencies>
</project>
`,
    );
    onProgress(`fetching io.temporal:temporal-test-server:${TEST_SERVER_VERSION} and its dependencies from Maven Central (done once)`);
    const tail: string[] = [];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('mvn', ['-B', '-q', 'dependency:copy-dependencies', `-DoutputDirectory=${path.join(buildDir, 'lib')}`], {
        cwd: buildDir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const onLine = (line: string) => {
        tail.push(line);
        if (tail.length > 40) tail.shift();
      };
      forEachLine(child.stdout, onLine);
      forEachLine(child.stderr, onLine);
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0)
      throw new TestServerNotFoundError(`mvn dependency:copy-dependencies failed (exit code ${code}). Last output:\n${tail.join('\n')}`);
    // The launcher finds its jars next to itself, so the cache directory can move.
    fs.writeFileSync(
      path.join(buildDir, LAUNCHER),
      '#!/bin/sh\nexec java -cp "$(dirname "$0")/lib/*" io.temporal.testserver.TestServer "$@"\n',
      { mode: 0o755 },
    );
    fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.renameSync(buildDir, cacheDir);
    const launcher = path.join(cacheDir, LAUNCHER);
    onProgress(`installed the time-skipping test server: ${launcher}`);
    return launcher;
  } finally {
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
}

function answers(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => execFile(command, args, { env, timeout: 30_000 }, (err) => resolve(!err)));
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
