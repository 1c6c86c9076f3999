import { Code } from '@connectrpc/connect';
import { ACCEPTED_ENCODINGS } from './compression.js';

/** application/grpc and application/grpc+<codec>, but not gRPC-web. */
export const PLAIN_GRPC = /^application\/grpc(\+[a-z0-9.-]+)?\s*(;|$)/i;

/** An answer in no particular runtime's types: each server writes it its own way. */
export interface RpcRefusal {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * A request refused before any RPC runs, as `unimplemented` (it is not served that way):
 * the Connect error body a Connect client reads, and the `grpc-status` a gRPC-web client
 * reads from the headers. The HTTP status stays a 4xx, as for every client mistake.
 */
const unimplemented = (
  status: number,
  message: string,
  headers: Record<string, string> = {},
): RpcRefusal => ({
  status,
  headers: {
    'content-type': 'application/json',
    ...headers,
    'grpc-status': String(Code.Unimplemented),
    'grpc-message': encodeURIComponent(message),
  },
  body: JSON.stringify({ code: 'unimplemented', message }),
});

/**
 * The answer to an HTTP method an RPC does not take (every draft.v1 RPC takes POST only).
 * connect-es answers a bare 405; this one keeps the status and its `Allow`.
 * `rpc` is the path without its leading slash: `draft.v1.DraftService/Health`.
 */
export const methodNotAllowed = (
  rpc: string,
  method: string,
  allowed: readonly string[],
): RpcRefusal =>
  unimplemented(405, `${rpc} takes ${allowed.join(' or ')}, not ${method}.`, {
    allow: allowed.join(', '),
  });

/**
 * A request body in a content coding no draft.v1 server reads (Connect's `Content-Encoding`,
 * gRPC-web's `grpc-encoding`), or undefined. connect-es answers it with 501, the HTTP status
 * of `unimplemented`; HTTP itself says 415 for an unsupported content coding (RFC 9110
 * 15.5.16), which keeps it a client error. `identity` is no coding at all.
 */
export const unsupportedEncoding = (
  header: (name: string) => string | undefined,
): RpcRefusal | undefined => {
  // Plain gRPC keeps its own way (HTTP 200, trailers-only grpc-status): its clients read no
  // other, and connect-es answers it so.
  if (PLAIN_GRPC.test(header('content-type') ?? '')) return undefined;
  for (const name of ['content-encoding', 'connect-content-encoding', 'grpc-encoding']) {
    const coding = header(name)?.trim().toLowerCase();
    if (coding === undefined || coding === '' || coding === 'identity') continue;
    if (ACCEPTED_ENCODINGS.includes(coding)) continue;
    return unimplemented(
      415,
      `Unsupported ${name} "${coding}"; accepted: ${ACCEPTED_ENCODINGS.join(', ')}.`,
      { 'accept-encoding': ACCEPTED_ENCODINGS.join(', ') },
    );
  }
  return undefined;
};
