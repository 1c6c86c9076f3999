import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { REFUSAL_HEADERS } from '../lambdas/core/errors.js';
import { MAX_BODY_BYTES } from '../lambdas/http/body-limit.js';
import { errorFormatFor } from '../lambdas/http/compat-response.js';
import type { ServicesResolver } from '../lambdas/http/http-handler.js';
import { ROUTES } from '../lambdas/http/routes.js';
import { serveApiDocs } from './api-docs.js';
import { demoClientBundle } from './demo-bundle.js';
import { toApiGatewayEvent } from './api-gateway-event.js';
import {
  answerParseErrorsWithJson,
  answerRefusedRequestsWithJson,
  lacksHost,
  MISSING_HOST,
  refuseRequest,
} from './client-errors.js';
import { inInvocation } from './invocation-scope.js';
import { listen } from './listen.js';
import { authorizeLocally } from './local-authorizer.js';
import { LOCAL_ORIGIN } from './local-origins.js';
import { logger } from '../lambdas/observability/logger.js';

/** The browser demo at `/`: an upload widget built on the SDK. Read once, on first use. */
let demoPageHtml: Promise<Buffer> | undefined;
const demoPage = (): Promise<Buffer> =>
  (demoPageHtml ??= readFile(new URL('./demo-page.html', import.meta.url)));

/** The SDK as one ES module, imported by the demo page. */
const DEMO_CLIENT_PATH = '/demo/draftstore-client.js';

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

/** The path as sent, also when it is not a valid URL. */
const rawPath = (request: IncomingMessage): string => (request.url ?? '/').split('?')[0] ?? '/';

/** Whether `error` is the request's own stream failing because the client went away. */
const abandoned = (request: IncomingMessage, error: unknown): boolean =>
  request.destroyed &&
  !request.complete &&
  (error as { code?: unknown } | null)?.code === 'ECONNRESET';

type BodyRead = { readonly body: Buffer } | { readonly tooLarge: string };

/**
 * Reads a request body of at most `limit` bytes. Past the limit it stops at once (the
 * declared Content-Length alone may tell), rather than reading what could be gigabytes
 * only to refuse them; the caller answers 413 and closes the connection.
 */
const readBody = (request: IncomingMessage, limit: number): Promise<BodyRead> =>
  new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      resolve({ tooLarge: `The request body is ${declared} bytes; the limit is ${limit} bytes.` });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        request.pause();
        resolve({ tooLarge: `The request body is over the limit of ${limit} bytes.` });
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.on('end', () => resolve({ body: Buffer.concat(chunks) }));
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
    if (lacksHost(request)) {
      refuseRequest(request, response, MISSING_HOST);
      return;
    }
    if (options.connectHandler?.(request, response)) return;
    const fail = (status: number, code: string, message: string, headers: Record<string, string>) =>
      sendJson(response, status, errorFormatFor(rawPath(request))(code, message), headers);
    const origin = request.headers.origin;
    const cors: Record<string, string> =
      origin && LOCAL_ORIGIN.test(origin)
        ? {
            'access-control-allow-origin': origin,
            'access-control-allow-headers': 'content-type, authorization',
            'access-control-allow-methods': 'GET, POST, OPTIONS',
            'access-control-expose-headers': REFUSAL_HEADERS.join(', '),
            vary: 'origin',
          }
        : {};
    if (!URL.canParse(request.url ?? '/', 'http://localhost')) {
      fail(400, 'invalid_request', 'The request target is not a valid URL.', cors);
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
    if (request.method === 'GET' && (await serveApiDocs(path, response))) return;
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
      fail(404, 'not_found', `No route for ${path}.`, cors);
      return;
    }
    if (request.method !== entry.route.method) {
      fail(405, 'method_not_allowed', `${path} accepts ${entry.route.method} only.`, {
        ...cors,
        allow: entry.route.method,
      });
      return;
    }
    const read = await readBody(request, entry.route.maxBodyBytes ?? MAX_BODY_BYTES);
    if ('tooLarge' in read) {
      // Closing, rather than reading the rest to keep the connection, is what stops the read.
      fail(413, 'payload_too_large', read.tooLarge, { ...cors, connection: 'close' });
      return;
    }
    const authorization = authorizeLocally(request.headers.authorization);
    if (options.emulateJwtAuthorizer && path !== '/health' && authorization.kind === 'rejected') {
      fail(401, 'unauthenticated', authorization.message, cors);
      return;
    }
    const body = read.body;
    const routeKey = `${entry.route.method} ${entry.route.path}`;
    const event = toApiGatewayEvent(request, body, routeKey, {
      emulateJwtAuthorizer: options.emulateJwtAuthorizer,
    });
    const result = await inInvocation(
      `draftstore-${entry.route.entry}`,
      (context) => entry.handler(event, context),
      event.requestContext.requestId,
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

  // Host is checked in serve, so that its absence gets a JSON answer too.
  const server: Server = createServer({ requireHostHeader: false }, (request, response) => {
    serve(request, response).catch((error: unknown) => {
      // A client that hangs up mid-request is an everyday event, not the server's failure.
      if (abandoned(request, error)) {
        logger.info('request abandoned by the client', { path: rawPath(request) });
        response.destroy();
        return;
      }
      logger.error('local server failed to answer', { error });
      if (!response.headersSent) {
        sendJson(
          response,
          500,
          errorFormatFor(rawPath(request))('internal', 'An internal error occurred.'),
        );
      } else {
        response.destroy();
      }
    });
  });
  answerParseErrorsWithJson(server);
  answerRefusedRequestsWithJson(server);
  const { url } = await listen(server, options.host, options.port, 'HTTP_PORT');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
