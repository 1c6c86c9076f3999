import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { REFUSAL_HEADERS } from '../lambdas/core/errors.js';
import { MAX_BODY_BYTES } from '../lambdas/http/body-limit.js';
import { errorFormatFor } from '../lambdas/http/compat-response.js';
import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpResult, ServicesResolver } from '../lambdas/http/http-handler.js';
import { ROUTES } from '../lambdas/http/routes.js';
import {
  companionErrorBody,
  createCompanionHandler,
} from '../lambdas/http/companion/companion-handler.js';
import { COMPANION_MAX_BODY_BYTES } from '../lambdas/http/companion/companion-request.js';
import { COMPANION_PREFIX } from '../lambdas/http/companion/companion-routes.js';
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

type Fail = (
  status: number,
  code: string,
  message: string,
  headers: Record<string, string>,
) => void;

interface LambdaTarget {
  readonly fail: Fail;
  readonly maxBodyBytes: number;
  readonly routeKey: string;
  readonly functionName: string;
  readonly handler: (event: HttpEvent, context: Context) => Promise<HttpResult>;
  /** Refuse a malformed Authorization header, as the deployed JWT authorizer does. */
  readonly emulateJwtAuthorizer: boolean;
}

/** Reads the body, builds the API Gateway event and answers with what the handler returns. */
const serveLambda = async (
  request: IncomingMessage,
  response: ServerResponse,
  cors: Record<string, string>,
  target: LambdaTarget,
): Promise<void> => {
  const read = await readBody(request, target.maxBodyBytes);
  if ('tooLarge' in read) {
    // Closing, rather than reading the rest to keep the connection, is what stops the read.
    target.fail(413, 'payload_too_large', read.tooLarge, { ...cors, connection: 'close' });
    return;
  }
  const authorization = authorizeLocally(request.headers.authorization);
  if (target.emulateJwtAuthorizer && authorization.kind === 'rejected') {
    target.fail(401, 'unauthenticated', authorization.message, cors);
    return;
  }
  const event = toApiGatewayEvent(request, read.body, target.routeKey, {
    emulateJwtAuthorizer: target.emulateJwtAuthorizer,
  });
  const result = await inInvocation(
    target.functionName,
    (context) => target.handler(event, context),
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

/** How long the local server keeps an idle keep-alive connection open. */
export const IDLE_KEEP_ALIVE_MS = 65_000;

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

  const companion = createCompanionHandler(options.resolve);
  const isCompanionPath = (path: string) =>
    path === COMPANION_PREFIX || path.startsWith(`${COMPANION_PREFIX}/`);

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (lacksHost(request)) {
      refuseRequest(request, response, MISSING_HOST);
      return;
    }
    if (options.connectHandler?.(request, response)) return;
    // Below /companion, Companion's `{message}` shape, once those routes are on.
    const format =
      isCompanionPath(rawPath(request)) && options.resolve().config.companionRoutes
        ? companionErrorBody
        : errorFormatFor(rawPath(request));
    const fail: Fail = (status, code, message, headers) =>
      sendJson(response, status, format(code, message), headers);
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
    const companionOn = isCompanionPath(path) && options.resolve().config.companionRoutes;
    if (request.method === 'OPTIONS' && (entry || companionOn)) {
      response
        .writeHead(
          204,
          companionOn && cors['access-control-allow-methods']
            ? { ...cors, 'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS' }
            : cors,
        )
        .end();
      return;
    }
    if (!entry && !companionOn) {
      fail(404, 'not_found', `No route for ${path}.`, cors);
      return;
    }
    if (!entry) {
      await serveLambda(request, response, cors, {
        fail,
        maxBodyBytes: COMPANION_MAX_BODY_BYTES,
        routeKey: `ANY ${COMPANION_PREFIX}/{proxy+}`,
        functionName: 'draftstore-companion',
        handler: companion,
        emulateJwtAuthorizer: options.emulateJwtAuthorizer,
      });
      return;
    }
    if (request.method !== entry.route.method) {
      fail(405, 'method_not_allowed', `${path} accepts ${entry.route.method} only.`, {
        ...cors,
        allow: entry.route.method,
      });
      return;
    }
    await serveLambda(request, response, cors, {
      fail,
      maxBodyBytes: entry.route.maxBodyBytes ?? MAX_BODY_BYTES,
      routeKey: `${entry.route.method} ${entry.route.path}`,
      functionName: `draftstore-${entry.route.entry}`,
      handler: entry.handler,
      emulateJwtAuthorizer: options.emulateJwtAuthorizer && path !== '/health',
    });
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
  // Node closes an idle keep-alive socket after 5 s. A client whose event loop stalls past
  // its own shorter idle timer (fetch's is 4 s) then sends on a socket the server has just
  // closed, and the request fails with a reset: seen in bursts under load. Keeping idle
  // sockets for longer than clients do, as load balancers' back ends are told to, avoids it.
  server.keepAliveTimeout = IDLE_KEEP_ALIVE_MS;
  server.headersTimeout = IDLE_KEEP_ALIVE_MS + 1_000;
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
