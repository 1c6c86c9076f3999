import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants as http2, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import {
  Code,
  ConnectError,
  createConnectRouter,
  type ConnectRouter,
  type ConnectRouterOptions,
  type ContextValues,
} from '@connectrpc/connect';
import {
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from '@connectrpc/connect-node';
import { logger } from '../lambdas/observability/logger.js';
import {
  methodNotAllowed,
  unsupportedEncoding,
  type RpcRefusal,
} from '../lambdas/rpc/rpc-refusals.js';

export type NodeRequest = IncomingMessage | Http2ServerRequest;
export type NodeResponse = ServerResponse | Http2ServerResponse;

export interface RpcNodeHandlerOptions extends ConnectRouterOptions {
  /** Registers the services, as connectNodeAdapter's `routes` does. */
  readonly routes: (router: ConnectRouter) => void;
  /** The context values each call starts with. */
  readonly contextValues: (request: NodeRequest) => ContextValues;
}

/** The path as sent, without its query. */
const pathOf = (request: NodeRequest): string => (request.url ?? '').split('?')[0] ?? '';

/** Writes a whole answer on an HTTP/1.1 or an HTTP/2 response. */
const answer = (
  response: NodeResponse,
  status: number,
  headers: Readonly<Record<string, string>> = {},
  body = '',
): void => {
  if ('stream' in response) response.writeHead(status, headers).end(body);
  else response.writeHead(status, headers).end(body);
};

/**
 * Settles when the connection closes (or the HTTP/2 stream is reset) with the request cut
 * short or the answer unfinished.
 * gRPC-web answers a body cut short with an error in its trailer, and connect-node then
 * waits for a response that can no longer end; this tells the caller to stop waiting.
 */
const clientGone = (
  signal: AbortSignal,
  request: NodeRequest,
  response: NodeResponse,
): Promise<'gone'> =>
  new Promise((resolve) => {
    const check = () => {
      // An HTTP/2 stream counts as complete once reset; its reset code tells.
      const reset = 'stream' in request && request.stream.rstCode !== http2.NGHTTP2_NO_ERROR;
      if (reset || !request.complete || !response.writableFinished) resolve('gone');
    };
    if (signal.aborted) check();
    else signal.addEventListener('abort', check, { once: true });
  });

/**
 * Whether a call failed because the client went away: it hung up before its body was
 * complete (HTTP/1.1 reset, HTTP/2 stream reset), or connect-node saw it cancel or abort.
 */
const abandoned = (request: NodeRequest, reason: unknown): boolean => {
  if (request.destroyed && !request.complete) return true;
  const code = ConnectError.from(reason).code;
  return code === Code.Canceled || code === Code.Aborted;
};

/**
 * draft.v1 for a Node HTTP/1.1 or HTTP/2 server, built on connect-node's own request and
 * response converters. It stands in for connectNodeAdapter for two reasons: that adapter
 * prints a failed call to stderr (`handler for rpc … failed`), also a client that hangs up
 * mid-body, where this one logs it like the REST server does (INFO, abandoned by the
 * client; a real failure at ERROR); and it answers a bare 405 to a method an RPC does not
 * take, where this one answers the function URL's Connect error body. An unknown path is
 * a bare 404, as there.
 */
export const createRpcNodeHandler = ({
  routes,
  contextValues,
  ...options
}: RpcNodeHandlerOptions) => {
  const router = createConnectRouter(options);
  routes(router);
  const handlers = new Map(router.handlers.map((handler) => [handler.requestPath, handler]));

  return async (request: NodeRequest, response: NodeResponse): Promise<void> => {
    const path = pathOf(request);
    const handler = handlers.get(path);
    if (handler === undefined) {
      answer(response, 404);
      return;
    }
    const method = request.method ?? '';
    const refused: RpcRefusal | undefined = handler.allowedMethods.includes(method)
      ? unsupportedEncoding((name) => {
          const value = request.headers[name];
          return Array.isArray(value) ? value.join(',') : value;
        })
      : methodNotAllowed(path.slice(1), method, handler.allowedMethods);
    if (refused) {
      answer(response, refused.status, refused.headers, refused.body);
      return;
    }
    try {
      const universal = universalRequestFromNodeRequest(
        request,
        response,
        undefined,
        contextValues(request),
      );
      const answered = handler(universal).then(async (reply) => {
        await universalResponseToNodeResponse(reply, response);
        return 'answered' as const;
      });
      if (
        (await Promise.race([answered, clientGone(universal.signal, request, response)])) === 'gone'
      ) {
        // The race holds `answered`, so its late failure, if any, is no unhandled rejection.
        logger.info('request abandoned by the client', { path });
      }
    } catch (reason) {
      if (abandoned(request, reason)) {
        logger.info('request abandoned by the client', { path });
      } else {
        logger.error('rpc handler failed', { path, error: reason });
      }
      // Whatever was half written cannot be finished; free the socket or stream.
      if (response.writableEnded) return;
      if ('stream' in response) response.stream.destroy();
      else response.destroy();
    }
  };
};
