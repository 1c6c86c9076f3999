import { isUtf8 } from 'node:buffer';
import type { UniversalHandler, UniversalServerRequest } from '@connectrpc/connect/protocol';

/** Connect unary JSON; its body is the whole message, so it must be UTF-8 text. */
const CONNECT_JSON = /^application\/json\s*(;|$)/i;

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
 * wrapper, with Connect's `invalid_argument`, before the body is parsed.
 */
export const refuseInvalidUtf8Json = (handler: UniversalHandler): UniversalHandler =>
  Object.assign(
    async (request: UniversalServerRequest) => {
      const isJson = CONNECT_JSON.test(request.header.get('content-type') ?? '');
      if (!isJson || !(Symbol.asyncIterator in Object(request.body))) return handler(request);
      const bytes = await readAll(request.body as AsyncIterable<Uint8Array>);
      if (isUtf8(bytes)) return handler({ ...request, body: once(bytes) });
      const body = Buffer.from(
        JSON.stringify({
          code: 'invalid_argument',
          message: 'The request body is not valid UTF-8.',
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
