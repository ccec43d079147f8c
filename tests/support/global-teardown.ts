/** Jest global teardown: stops the dev server started by global-setup and removes its files. */
import * as fs from 'node:fs';
import type { WriteStream } from 'node:fs';
import type { DevServer } from '../../scripts/dev-server';
import { SERVER_KEY } from './global-setup';
import type { TestServerInfo } from './server';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<symbol, unknown>)[SERVER_KEY] as
    | { server: DevServer; file: string; log: WriteStream }
    | undefined;
  if (!state) return;
  delete (globalThis as Record<symbol, unknown>)[SERVER_KEY];

  const info = JSON.parse(fs.readFileSync(state.file, 'utf8')) as TestServerInfo;
  await state.server.stop();
  await new Promise<void>((resolve) => state.log.end(resolve));
  fs.rmSync(state.file, { force: true });
  if (process.env.DOCKET_TEST_KEEP_DATA) {
    process.stderr.write(`[docket tests] kept the dev server's data in ${info.dataDir}\n`);
  } else {
    fs.rmSync(info.dataDir, { recursive: true, force: true });
  }
}
