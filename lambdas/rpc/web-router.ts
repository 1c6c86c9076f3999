import {
  createMethodImplSpec,
  createServiceImplSpec,
  type ConnectRouter,
  type ConnectRouterOptions,
} from '@connectrpc/connect';
import {
  createUniversalMethodHandler,
  createUniversalServiceHandlers,
  validateUniversalHandlerOptions,
  type UniversalHandler,
} from '@connectrpc/connect/protocol';
import { createHandlerFactory as connectProtocol } from '@connectrpc/connect/protocol-connect';
import { createHandlerFactory as grpcWebProtocol } from '@connectrpc/connect/protocol-grpc-web';

/**
 * A ConnectRouter that serves Connect and gRPC-web only: what a Lambda function URL can
 * carry (plain gRPC needs HTTP/2 trailers). createConnectRouter builds the plain gRPC
 * handlers as well, and its bundle carries their code even with `grpc: false`.
 */
export const createWebRouter = (routerOptions: ConnectRouterOptions = {}): ConnectRouter => {
  const protocolsFor = (options: ConnectRouterOptions = {}) => {
    const merged = validateUniversalHandlerOptions({ ...routerOptions, ...options });
    return [
      ...(options.grpcWeb !== false ? [grpcWebProtocol(merged)] : []),
      ...(options.connect !== false ? [connectProtocol(merged)] : []),
    ];
  };
  const handlers: UniversalHandler[] = [];
  const router: ConnectRouter = {
    handlers,
    service: (service, implementation, options) => {
      handlers.push(
        ...createUniversalServiceHandlers(
          createServiceImplSpec(service, implementation),
          protocolsFor(options),
        ),
      );
      return router;
    },
    rpc: (method, implementation, options) => {
      handlers.push(
        createUniversalMethodHandler(
          createMethodImplSpec(method, implementation),
          protocolsFor(options),
        ),
      );
      return router;
    },
  };
  return router;
};
