/**
 * `npm run openapi`: writes docs/openapi.json, the OpenAPI 3.1 document of the REST API,
 * generated from the zod schemas in lambdas/contract (zod 4's JSON Schema output).
 * `npm run openapi:check` (CI) fails when the committed document is stale or invalid.
 *
 * Adding an operation: after its spec in lambdas/contract/operations, add its entry to
 * OPENAPI_DOCS in scripts/openapi/operation-docs.ts (summary, examples, its answer schema and
 * the domain errors it raises), then run `npm run openapi` and commit docs/openapi.json.
 * Paths and request schemas come from the spec, statuses from lambdas/error-table.ts.
 *
 * This script and scripts/openapi/ are build-time only: no Lambda imports them, so the full
 * `zod` build (with its JSON Schema converter) never reaches a bundle.
 */
import { readFile, writeFile } from 'node:fs/promises';
import {
  OPENAPI_PATH as target,
  renderOpenApiDocument,
  validateOpenApiDocument,
} from './openapi/render.js';

const main = async (): Promise<void> => {
  const fresh = await renderOpenApiDocument();
  const problems = await validateOpenApiDocument(JSON.parse(fresh) as Record<string, unknown>);
  if (problems.length > 0) {
    console.error(`The generated document is not valid OpenAPI 3.1:\n${problems.join('\n')}`);
    process.exit(1);
  }
  if (process.argv.includes('--check')) {
    const committed = await readFile(target, 'utf8').catch(() => '');
    if (committed !== fresh) {
      console.error('docs/openapi.json is stale: run `npm run openapi` and commit the result.');
      process.exit(1);
    }
    console.log('openapi: docs/openapi.json is valid OpenAPI 3.1 and up to date');
    return;
  }
  await writeFile(target, fresh);
  console.log(`openapi: wrote ${target}`);
};

await main();
