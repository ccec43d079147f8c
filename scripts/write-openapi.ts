/** `npm run openapi`: writes docs/openapi.json, the document `docket serve` serves at /openapi.json. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument } from '../http/openapi-document';

export const OPENAPI_FILE = join(__dirname, '..', 'docs', 'openapi.json');

if (require.main === module) {
  openApiDocument()
    .then((doc) => {
      writeFileSync(OPENAPI_FILE, `${JSON.stringify(doc, null, 2)}\n`);
      process.stdout.write(`wrote ${OPENAPI_FILE} (${Object.keys(doc.paths as object).length} paths)\n`);
    })
    .catch((err: unknown) => {
      process.stderr.write(`write-openapi: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    });
}
