import { isUtf8 } from 'node:buffer';
import { Code, ConnectError } from '@connectrpc/connect';
import type { UniversalHandler, UniversalServerRequest } from '@connectrpc/connect/protocol';
import { ACCEPT_COMPRESSION } from './compression.js';

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

/** Connect unary JSON; its body is the whole message, so it must be UTF-8 text. */
const CONNECT_JSON = /^application\/json\s*(;|$)/i;

/**
 * The JSON text of the body: decompressed when it is compressed with an encoding this
 * wrapper knows. Undefined when it cannot tell (an unknown encoding, a corrupt stream, or
 * more than `maxBytes` inside): the handler then answers as it would anyway.
 */
const jsonText = async (
  bytes: Uint8Array,
  encoding: string | null,
  maxBytes: number,
): Promise<Uint8Array | undefined> => {
  const name = (encoding ?? '').trim().toLowerCase();
  if (name === '' || name === 'identity' || bytes.length === 0) return bytes;
  // The encodings the servers accept; any other is the handler's to refuse.
  const compression = ACCEPT_COMPRESSION.find((candidate) => candidate.name === name);
  return compression?.decompress(bytes, maxBytes).catch(() => undefined);
};

const readAll = async (body: AsyncIterable<Uint8Array>): Promise<Uint8Array> => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
};

const once = (bytes: Uint8Array): AsyncIterable<Uint8Array> => ({
  async *[Symbol.asyncIterator]() {
    yield bytes;
  },
});

/**
 * connect-es decodes a JSON body leniently, so bytes that are not UTF-8 would reach the
 * service as U+FFFD and become part of a key. REST refuses them (400), and so does this
 * wrapper, with Connect's `invalid_argument`, before the body is parsed. A compressed
 * body (Content-Encoding gzip or br) is checked inside; the handler still gets the bytes
 * as sent, so which encodings it accepts stays its own decision.
 */
export const refuseInvalidUtf8Json = (
  handler: UniversalHandler,
  maxBytes: number,
): UniversalHandler =>
  Object.assign(
    async (request: UniversalServerRequest) => {
      const isJson = CONNECT_JSON.test(request.header.get('content-type') ?? '');
      if (!isJson || !(Symbol.asyncIterator in Object(request.body))) return handler(request);
      const bytes = await readAll(request.body as AsyncIterable<Uint8Array>);
      const text = await jsonText(bytes, request.header.get('content-encoding'), maxBytes);
      if (text === undefined || isUtf8(text)) return handler({ ...request, body: once(bytes) });
      const body = Buffer.from(
        JSON.stringify({
          code: 'invalid_argument',
          message: NOT_UTF8,
        }),
      );
      return {
        status: 400,
        header: new Headers({
          'content-type': 'application/json',
          'content-length': String(body.length),
        }),
        body: once(body),
      };
    },
    { ...handler },
  );
