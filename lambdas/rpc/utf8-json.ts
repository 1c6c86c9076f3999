import { isUtf8 } from 'node:buffer';
import { Code, ConnectError } from '@connectrpc/connect';

const NOT_UTF8 = 'The request body is not valid UTF-8.';

/**
 * JSON options for a Connect router whose JSON decoder refuses bytes that are not UTF-8,
 * for every codec that carries JSON: Connect, gRPC-web (`application/grpc-web+json`) and
 * gRPC (`application/grpc+json`), compressed or not. connect-es's own decoder is lenient
 * and would hand the service U+FFFD. connect-es passes `jsonOptions` on to its JSON
 * serialization, which takes a `textDecoder`; the option types do not name it.
 */
export const strictUtf8JsonOptions = {
  textDecoder: {
    decode(input?: Uint8Array): string {
      const bytes = input ?? new Uint8Array(0);
      if (!isUtf8(bytes)) throw new ConnectError(NOT_UTF8, Code.InvalidArgument);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    },
  },
};
