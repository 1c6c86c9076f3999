import { Code } from '@connectrpc/connect';

/** An answer in no particular runtime's types: each server writes it its own way. */
export interface MethodNotAllowed {
  readonly status: 405;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * The answer to an HTTP method an RPC does not take (every draft.v1 RPC takes POST only).
 * connect-es answers a bare 405; this one keeps the status and its `Allow`, and adds the
 * Connect error body (`unimplemented`: the RPC is not served that way) that a Connect
 * client reads, and the `grpc-status` a gRPC-web client reads from the headers.
 * `rpc` is the path without its leading slash: `draft.v1.DraftService/Health`.
 */
export const methodNotAllowed = (
  rpc: string,
  method: string,
  allowed: readonly string[],
): MethodNotAllowed => {
  const message = `${rpc} takes ${allowed.join(' or ')}, not ${method}.`;
  return {
    status: 405,
    headers: {
      'content-type': 'application/json',
      allow: allowed.join(', '),
      'grpc-status': String(Code.Unimplemented),
      'grpc-message': encodeURIComponent(message),
    },
    body: JSON.stringify({ code: 'unimplemented', message }),
  };
};
