import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ServerResponse } from 'node:http';

/** The committed OpenAPI document (`npm run openapi` writes it). */
const DOCUMENT = new URL('../docs/openapi.json', import.meta.url);
/** swagger-ui-dist's files, served from node_modules: no CDN. */
const SWAGGER_UI = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>DraftStore API reference</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script>
      window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });
    </script>
  </body>
</html>
`;

const send = (response: ServerResponse, type: string, body: string | Buffer) => {
  response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
};

/**
 * `GET /openapi.json` and the API reference at `GET /docs` (Swagger UI). Answers whether the
 * path was one of these.
 */
export const serveApiDocs = async (path: string, response: ServerResponse): Promise<boolean> => {
  if (path === '/openapi.json') {
    send(response, 'application/json', await readFile(DOCUMENT));
    return true;
  }
  if (path === '/docs' || path === '/docs/') {
    send(response, 'text/html; charset=utf-8', PAGE);
    return true;
  }
  const asset = path.startsWith('/docs/') ? path.slice('/docs/'.length) : undefined;
  const type = asset === undefined ? undefined : ASSETS[asset];
  if (asset === undefined || type === undefined) return false;
  send(response, type, await readFile(join(SWAGGER_UI, asset)));
  return true;
};
