import { randomUUID } from 'node:crypto';
import { createServer, type Http2Server, type ServerHttp2Session } from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cors, createContextValues, type Interceptor } from '@connectrpc/connect';
import { DraftError, REFUSAL_HEADERS } from '../lambdas/core/errors.js';
import { DraftService } from '../lambdas/gen/draft/v1/draft_pb.js';
import {
  draftRoutes,
  principalKey,
  requestOriginKey,
  type DraftsResolver,
  type MultipartResolver,
} from '../lambdas/rpc/routes.js';
import { ACCEPT_COMPRESSION } from '../lambdas/rpc/compression.js';
import { toConnectError } from '../lambdas/rpc/to-connect-error.js';
import { inInvocation } from './invocation-scope.js';
import { listen } from './listen.js';
import { authorizeLocally } from './local-authorizer.js';
import { LOCAL_ORIGIN } from './local-origins.js';
import { createRpcNodeHandler, type NodeRequest, type NodeResponse } from './rpc-node-handler.js';

/** The connect Lambda's name in local logs. */
const CONNECT_FUNCTION_NAME = 'draftstore-connect';

/** Every draft.v1 RPC lives under this path, on both local ports. */
export const RPC_PATH_PREFIX = `/${DraftService.typeName}/`;

export interface LocalConnectOptions {
  readonly resolve: DraftsResolver;
  readonly multipart?: MultipartResolver;
  /** Take the owner from an unverified bearer token's `sub`, as REST does locally. */
  readonly emulateJwtAuthorizer: boolean;
}

export interface LocalConnectServer {
  /** http://host:port; HTTP/2 without TLS, so clients need prior knowledge (h2c). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The owner from an unverified bearer token, refused exactly where REST refuses it
 * locally: a header that is not a JWT, or a token without a string `sub`.
 */
const emulatedAuthorizer: Interceptor = (next) => async (request) => {
  const authorization = authorizeLocally(request.header.get('authorization') ?? undefined);
  if (authorization.kind === 'rejected') {
    throw toConnectError(new DraftError('unauthenticated', authorization.message));
  }
  if (authorization.kind === 'claims') {
    const sub = authorization.claims.sub;
    if (typeof sub !== 'string' || sub === '') {
      throw toConnectError(new DraftError('unauthenticated', 'The token names no subject (sub).'));
    }
    request.contextValues.set(principalKey, sub);
  }
  return next(request);
};

/** Each call runs as one invocation of the connect function, as it does on Lambda. */
const adapter = (options: LocalConnectOptions) => {
  const handle = createRpcNodeHandler({
    // The function URL's encodings, so a compressing client behaves the same in AWS.
    acceptCompression: [...ACCEPT_COMPRESSION],
    routes: draftRoutes(options.resolve, {
      ...(options.multipart && { multipart: options.multipart }),
      ...(options.emulateJwtAuthorizer && { interceptors: [emulatedAuthorizer] }),
    }),
    contextValues: (request) => {
      const userAgent = request.headers['user-agent'];
      return createContextValues().set(requestOriginKey, {
        requestId: randomUUID(),
        sourceIp: request.socket.remoteAddress ?? '',
        userAgent: Array.isArray(userAgent) ? userAgent.join(', ') : (userAgent ?? ''),
      });
    },
  });
  return (request: NodeRequest, response: NodeResponse): void => {
    void inInvocation(CONNECT_FUNCTION_NAME, () => handle(request, response));
  };
};

/**
 * draft.v1 for the local HTTP/1.1 server: Connect and gRPC-web under RPC_PATH_PREFIX,
 * with CORS for pages on localhost. Answers whether it took the request.
 */
export const createLocalConnectHandler = (options: LocalConnectOptions) => {
  const handle = adapter(options);
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    if (!(request.url ?? '').startsWith(RPC_PATH_PREFIX)) return false;
    const origin = request.headers.origin;
    if (origin && LOCAL_ORIGIN.test(origin)) {
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('vary', 'origin');
      response.setHeader(
        'access-control-expose-headers',
        [...cors.exposedHeaders, ...REFUSAL_HEADERS].join(', '),
      );
    }
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        'access-control-allow-methods': cors.allowedMethods.join(', '),
        'access-control-allow-headers': [...cors.allowedHeaders, 'Authorization'].join(', '),
        'access-control-max-age': '7200',
      });
      response.end();
      return true;
    }
    handle(request, response);
    return true;
  };
};

/**
 * draft.v1 over cleartext HTTP/2 (GRPC_PORT): gRPC, gRPC-web and Connect, for clients
 * that speak HTTP/2 with prior knowledge (grpc-js, grpcurl -plaintext, buf curl
 * --http2-prior-knowledge). Port 0 picks a free port; `port` tells which.
 */
export const startLocalConnectServer = async (
  options: LocalConnectOptions & { readonly host: string; readonly port: number },
): Promise<LocalConnectServer> => {
  const sessions = new Set<ServerHttp2Session>();
  const server: Http2Server = createServer(adapter(options));
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const { url, port } = await listen(server, options.host, options.port, 'GRPC_PORT');
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Clients keep HTTP/2 sessions open; close would wait for them forever.
        for (const session of sessions) session.destroy();
      }),
  };
};
