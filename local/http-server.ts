import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { ServicesResolver } from '../lambdas/http/http-handler.js';
import { ROUTES } from '../lambdas/http/routes.js';
import { demoClientBundle } from './demo-bundle.js';
import { localContext, toApiGatewayEvent } from './api-gateway-event.js';
import { listen } from './listen.js';
import { LOCAL_ORIGIN } from './local-origins.js';
import { logger } from '../lambdas/observability/logger.js';

/** The browser demo at `/`: an upload widget built on the SDK. Read once, on first use. */
let demoPageHtml: Promise<Buffer> | undefined;
const demoPage = (): Promise<Buffer> =>
  (demoPageHtml ??= readFile(new URL('./demo-page.html', import.meta.url)));

/** The SDK as one ES module, imported by the demo page. */
const DEMO_CLIENT_PATH = '/demo/draftstore-client.js';

/** API Gateway refuses larger payloads too; the handlers' own limit is far lower. */
const MAX_REQUEST_BYTES = 1024 * 1024;

export interface LocalHttpServer {
  readonly url: string;
  close(): Promise<void>;
}

export interface LocalHttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly resolve: ServicesResolver;
  /** Take the owner from an unverified bearer token, as the deployed JWT authorizer would. */
  readonly emulateJwtAuthorizer: boolean;
  /**
   * Serves the requests it recognises (draft.v1 Connect and gRPC-web) before the REST
   * routes, and answers whether it did.
   */
  readonly connectHandler?: (request: IncomingMessage, response: ServerResponse) => boolean;
}

const sendJson = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  response.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(JSON.stringify(body));
};

const readBody = (request: IncomingMessage): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        resolve(undefined);
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

/**
 * Serves the REST routes by turning each request into an API Gateway v2 event and
 * invoking the same handler factories the Lambda functions export.
 */
export const startLocalHttpServer = async (
  options: LocalHttpServerOptions,
): Promise<LocalHttpServer> => {
  const handlers = new Map(
    ROUTES.map((route) => [route.path, { route, handler: route.create(options.resolve) }] as const),
  );

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (options.connectHandler?.(request, response)) return;
    const origin = request.headers.origin;
    const cors: Record<string, string> =
      origin && LOCAL_ORIGIN.test(origin)
        ? {
            'access-control-allow-origin': origin,
            'access-control-allow-headers': 'content-type, authorization',
            'access-control-allow-methods': 'GET, POST, OPTIONS',
            vary: 'origin',
          }
        : {};
    if (!URL.canParse(request.url ?? '/', 'http://localhost')) {
      sendJson(
        response,
        400,
        { error: { code: 'invalid_request', message: 'The request target is not a valid URL.' } },
        cors,
      );
      return;
    }
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const entry = handlers.get(path);
    if (path === '/' && request.method === 'GET') {
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      response.end(await demoPage());
      return;
    }
    if (path === DEMO_CLIENT_PATH && request.method === 'GET') {
      const script = await demoClientBundle();
      response.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'no-store',
      });
      response.end(script);
      return;
    }
    if (request.method === 'OPTIONS' && entry) {
      response.writeHead(204, cors).end();
      return;
    }
    if (!entry) {
      sendJson(
        response,
        404,
        { error: { code: 'not_found', message: `No route for ${path}.` } },
        cors,
      );
      return;
    }
    if (request.method !== entry.route.method) {
      sendJson(
        response,
        405,
        {
          error: {
            code: 'method_not_allowed',
            message: `${path} accepts ${entry.route.method} only.`,
          },
        },
        { ...cors, allow: entry.route.method },
      );
      return;
    }
    const body = await readBody(request);
    if (body === undefined) {
      sendJson(
        response,
        413,
        { error: { code: 'payload_too_large', message: 'The request body is too large.' } },
        cors,
      );
      return;
    }
    const routeKey = `${entry.route.method} ${entry.route.path}`;
    const event = toApiGatewayEvent(request, body, routeKey, {
      emulateJwtAuthorizer: options.emulateJwtAuthorizer,
    });
    const result = await entry.handler(
      event,
      localContext(`draftstore-${entry.route.entry}`, event.requestContext.requestId),
    );
    const headers = Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]),
    );
    response.writeHead(result.statusCode ?? 200, { ...headers, ...cors });
    response.end(
      result.isBase64Encoded && result.body
        ? Buffer.from(result.body, 'base64')
        : (result.body ?? ''),
    );
  };

  const server: Server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      logger.error('local server failed to answer', { error });
      if (!response.headersSent) {
        sendJson(response, 500, {
          error: { code: 'internal', message: 'An internal error occurred.' },
        });
      } else {
        response.destroy();
      }
    });
  });
  const { url } = await listen(server, options.host, options.port);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
