import { Code, ConnectError, cors, type Interceptor } from '@connectrpc/connect';
import type { UniversalHandler } from '@connectrpc/connect/protocol';
import { createContextValues } from '@connectrpc/connect';
import type {
  APIGatewayProxyStructuredResultV2,
  Context,
  LambdaFunctionURLEvent,
} from 'aws-lambda';
import { composeUsage } from '../compose-usage.js';
import { confirmChecks } from '../inspection/confirm-checks.js';
import { multipartEnvironmentServices } from '../multipart-environment.js';
import { logger } from '../observability/logger.js';
import type { AuditOrigin } from '../observability/audit.js';
import {
  draftRoutes,
  principalKey,
  requestOriginKey,
  type DraftsResolver,
  type MultipartResolver,
} from './routes.js';
import { JwtError, jwtVerifierFromEnvironment, type JwtVerifier } from './jwt.js';
import { ACCEPT_COMPRESSION } from './compression.js';
import {
  methodNotAllowed,
  PLAIN_GRPC,
  unsupportedEncoding,
  type RpcRefusal,
} from './rpc-refusals.js';
import { createWebRouter } from './web-router.js';

/** What the handler answers: always the structured form (status, headers, base64 body). */
export type FunctionUrlResult = APIGatewayProxyStructuredResultV2;

export interface FunctionUrlOptions {
  /** Supplies the domain service per call. */
  readonly resolve: DraftsResolver;
  /** Supplies the multipart service per call; without it the multipart RPCs fail. */
  readonly multipart?: MultipartResolver;
  /**
   * Verifies `Authorization: Bearer <jwt>` and answers the principal (its `sub`).
   * Without it every caller is anonymous, as on an AWS_IAM or open function URL.
   * @default undefined
   */
  readonly verifyToken?: JwtVerifier;
  /**
   * Origins a browser may call from; `*` allows any (the API uses bearer tokens,
   * never cookies). Empty disables CORS headers.
   * @default ['*']
   */
  readonly corsOrigins?: readonly string[];
}

const GRPC_TRAILERS_MESSAGE =
  'Plain gRPC needs HTTP/2 trailers, which a Lambda function URL cannot send. Use gRPC-web (application/grpc-web+proto) or Connect (application/proto, application/json) here; plain gRPC is served by the local runtime.';

const ALLOW_HEADERS = [...cors.allowedHeaders, 'Authorization'].join(', ');
const EXPOSE_HEADERS = [
  ...cors.exposedHeaders,
  'Connect-Protocol-Version',
  'Grpc-Status',
  'Grpc-Message',
  'Grpc-Status-Details-Bin',
]
  .filter(
    (name, index, all) => all.findIndex((x) => x.toLowerCase() === name.toLowerCase()) === index,
  )
  .join(', ');

const bearerToken = (authorization: string | null): string | undefined =>
  /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];

/** Verifies the bearer token, when configured, and records the principal for the service. */
const authenticate =
  (verifyToken: JwtVerifier): Interceptor =>
  (next) =>
  async (request) => {
    const token = bearerToken(request.header.get('authorization'));
    if (token === undefined) {
      throw new ConnectError('A bearer token is required.', Code.Unauthenticated);
    }
    try {
      request.contextValues.set(principalKey, await verifyToken(token));
    } catch (error) {
      const message =
        error instanceof JwtError ? error.message : 'The token could not be verified.';
      // A 401 is logged like every 4xx: code and message, no stack.
      logger.info('token rejected', {
        code: 'unauthenticated',
        detail: error instanceof Error ? error.message : message,
      });
      throw new ConnectError(message, Code.Unauthenticated);
    }
    return next(request);
  };

const textResult = (
  statusCode: number,
  message: string,
  headers: Record<string, string>,
): FunctionUrlResult => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  body: message,
});

/** A Connect unary error, which gRPC-web clients also read from the HTTP status. */
const connectErrorResult = (
  statusCode: number,
  code: string,
  message: string,
  headers: Record<string, string>,
): FunctionUrlResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ code, message }),
});

/** The request body as the universal handler reads it: one chunk, or none. */
async function* bodyOf(body: Uint8Array | undefined): AsyncIterable<Uint8Array> {
  if (body !== undefined && body.byteLength > 0) yield body;
}

/**
 * draft.v1.DraftService on a Lambda function URL: each event becomes a universal request
 * for the Connect handler of its path, and its answer becomes the result (body base64).
 * Serves Connect (binary and JSON) and gRPC-web; refuses plain gRPC.
 */
export const createFunctionUrlHandler = (options: FunctionUrlOptions) => {
  const router = createWebRouter();
  draftRoutes(options.resolve, {
    grpc: false,
    // As on the local ports, so a client that compresses (connect-es `sendCompression`,
    // gRPC-web `grpc-encoding`) works the same in AWS.
    acceptCompression: [...ACCEPT_COMPRESSION],
    ...(options.multipart && { multipart: options.multipart }),
    ...(options.verifyToken && { interceptors: [authenticate(options.verifyToken)] }),
  })(router);
  const handlers = new Map<string, UniversalHandler>(
    router.handlers.map((handler) => [handler.requestPath, handler]),
  );
  const origins = options.corsOrigins ?? ['*'];

  const corsHeaders = (origin: string | undefined): Record<string, string> => {
    if (origins.length === 0 || origin === undefined) return {};
    const allowed = origins.includes('*') ? '*' : origins.includes(origin) ? origin : undefined;
    if (allowed === undefined) return {};
    return {
      'access-control-allow-origin': allowed,
      'access-control-expose-headers': EXPOSE_HEADERS,
      ...(allowed !== '*' && { vary: 'origin' }),
    };
  };

  return async (event: LambdaFunctionURLEvent): Promise<FunctionUrlResult> => {
    const headers = event.headers ?? {};
    const method = event.requestContext.http.method.toUpperCase();
    const cors_ = corsHeaders(headers.origin);

    if (method === 'OPTIONS') {
      return {
        statusCode: 204,
        headers: {
          ...cors_,
          'access-control-allow-methods': cors.allowedMethods.join(', '),
          'access-control-allow-headers': ALLOW_HEADERS,
          'access-control-max-age': '7200',
        },
      };
    }

    const handler = handlers.get(event.rawPath);
    if (!handler) {
      return textResult(404, `No RPC at ${event.rawPath}.`, cors_);
    }

    const refused: RpcRefusal | undefined = handler.allowedMethods.includes(method)
      ? unsupportedEncoding((name) => headers[name])
      : methodNotAllowed(event.rawPath.slice(1), method, handler.allowedMethods);
    if (refused) {
      return {
        statusCode: refused.status,
        headers: { ...refused.headers, ...cors_ },
        body: refused.body,
      };
    }

    if (PLAIN_GRPC.test(headers['content-type'] ?? '')) {
      // A trailers-only gRPC answer: status and message in the headers.
      return textResult(415, GRPC_TRAILERS_MESSAGE, {
        ...cors_,
        'grpc-status': String(Code.Unimplemented),
        'grpc-message': encodeURIComponent(GRPC_TRAILERS_MESSAGE),
      });
    }

    const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
    const body =
      event.body === undefined || method === 'GET' || method === 'HEAD'
        ? undefined
        : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
    let header: Headers;
    try {
      header = new Headers(
        Object.entries(headers).filter(
          (entry): entry is [string, string] => entry[1] !== undefined,
        ),
      );
    } catch {
      // Headers refuses what Lambda may pass through, e.g. a value beyond Latin-1.
      return connectErrorResult(400, 'invalid_argument', 'The request is malformed.', cors_);
    }
    const origin: AuditOrigin = {
      requestId: event.requestContext.requestId,
      sourceIp: event.requestContext.http.sourceIp,
      userAgent: event.requestContext.http.userAgent,
    };
    // The universal handler is called directly: a fetch Request and Response per call, and
    // the web streams between them, cost a cold start more than the call itself.
    const response = await handler({
      httpVersion: '1.1',
      method,
      url: `https://${event.requestContext.domainName}${event.rawPath}${query}`,
      header,
      body: bodyOf(body),
      signal: new AbortController().signal,
      contextValues: createContextValues().set(requestOriginKey, origin),
    });
    const chunks: Uint8Array[] = [];
    for await (const chunk of response.body ?? []) chunks.push(chunk);
    return {
      statusCode: response.status,
      headers: { ...Object.fromEntries(response.header ?? []), ...cors_ },
      body: Buffer.concat(chunks).toString('base64'),
      isBase64Encoded: true,
    };
  };
};

let fromEnvironment: ReturnType<typeof createFunctionUrlHandler> | undefined;

/**
 * The connect Lambda. Auth: with JWT_ISSUER and JWT_AUDIENCE set (function URL auth
 * NONE), a valid RS256 bearer token is required and its `sub` owns the keys; without
 * them (auth AWS_IAM, which signs requests but names no end user) callers are anonymous.
 */
export const handler = async (
  event: LambdaFunctionURLEvent,
  context?: Context,
): Promise<FunctionUrlResult> => {
  // Request id and function name on every log line of this invocation.
  if (context) logger.addContext(context);
  fromEnvironment ??= createFunctionUrlHandler({
    // The multipart RPCs need the upload token key, so this function composes with it.
    resolve: () => multipartEnvironmentServices({ checks: confirmChecks, usage: composeUsage }),
    multipart: () =>
      multipartEnvironmentServices({ checks: confirmChecks, usage: composeUsage }).multipart,
    verifyToken: jwtVerifierFromEnvironment(),
  });
  return fromEnvironment(event);
};
