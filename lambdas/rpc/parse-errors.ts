import { Code } from '@connectrpc/connect';
import type { UniversalHandler, UniversalServerResponse } from '@connectrpc/connect/protocol';

/**
 * connect-es reports a request body that is not valid protobuf as `Internal` ("parse
 * binary: …") before any interceptor runs. (Bodies that do not decompress are refused by
 * our own compression, lambdas/rpc/compression.ts, as `InvalidArgument` already.) That is
 * the client's mistake, so this wrapper rewrites such answers to `InvalidArgument` in
 * whichever protocol carried them: a Connect error body (HTTP 500 → 400), a gRPC status
 * in the trailers, or the trailer frame at the end of a gRPC-web body.
 */
export const reportParseFailuresAsInvalidArgument = (handler: UniversalHandler): UniversalHandler =>
  Object.assign(
    async (request: Parameters<UniversalHandler>[0]) => rewrite(await handler(request)),
    {
      ...handler,
    },
  );

const PARSE_FAILURE = /^parse binary:/;
const INTERNAL = String(Code.Internal);
const INVALID_ARGUMENT = String(Code.InvalidArgument);
/** gRPC-web marks the trailer frame with this flag. */
const TRAILER_FLAG = 0x80;

const readAll = async (body: AsyncIterable<Uint8Array> | undefined): Promise<Buffer> => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body ?? []) chunks.push(chunk);
  return Buffer.concat(chunks);
};

const once = (bytes: Uint8Array): AsyncIterable<Uint8Array> => ({
  async *[Symbol.asyncIterator]() {
    yield bytes;
  },
});

const isParseFailure = (status: string | null, message: string | null): boolean =>
  status === INTERNAL && message !== null && PARSE_FAILURE.test(decodeURIComponent(message));

/** Rewrites `grpc-status: 13` to 3 in a header block whose message is a parse failure. */
const fixGrpcHeaders = (headers: Headers | undefined): void => {
  if (headers && isParseFailure(headers.get('grpc-status'), headers.get('grpc-message'))) {
    headers.set('grpc-status', INVALID_ARGUMENT);
  }
};

const rewrite = async (response: UniversalServerResponse): Promise<UniversalServerResponse> => {
  const contentType = response.header?.get('content-type') ?? '';
  // gRPC: the status travels in the trailers (or, trailers-only, in the headers).
  fixGrpcHeaders(response.header);
  fixGrpcHeaders(response.trailer);

  if (response.status === 500 && contentType.startsWith('application/json')) {
    const bytes = await readAll(response.body);
    const error = JSON.parse(bytes.toString('utf8') || '{}') as { code?: string; message?: string };
    if (error.code === 'internal' && PARSE_FAILURE.test(error.message ?? '')) {
      const body = Buffer.from(JSON.stringify({ ...error, code: 'invalid_argument' }));
      response.header?.set('content-length', String(body.length));
      return { ...response, status: 400, body: once(body) };
    }
    return { ...response, body: once(bytes) };
  }

  if (contentType.startsWith('application/grpc-web')) {
    const bytes = await readAll(response.body);
    return { ...response, body: once(rewriteGrpcWebTrailer(bytes)) };
  }
  return response;
};

/** gRPC-web frames are [flags:1][length:4][payload]; the trailer frame is plain text headers. */
const rewriteGrpcWebTrailer = (bytes: Buffer): Buffer => {
  const frames: Buffer[] = [];
  let offset = 0;
  while (offset + 5 <= bytes.length) {
    const flags = bytes[offset] ?? 0;
    const length = bytes.readUInt32BE(offset + 1);
    const payload = bytes.subarray(offset + 5, offset + 5 + length);
    offset += 5 + length;
    if ((flags & TRAILER_FLAG) === 0) {
      frames.push(Buffer.from([flags]), lengthOf(payload.length), payload);
      continue;
    }
    const lines = payload.toString('utf8').split('\r\n');
    const value = (name: string) =>
      lines
        .find((line) => line.toLowerCase().startsWith(`${name}:`))
        ?.slice(name.length + 1)
        .trim() ?? null;
    const fixed = isParseFailure(value('grpc-status'), value('grpc-message'))
      ? Buffer.from(
          lines
            .map((line) =>
              line.toLowerCase().startsWith('grpc-status:')
                ? `grpc-status: ${INVALID_ARGUMENT}`
                : line,
            )
            .join('\r\n'),
        )
      : payload;
    frames.push(Buffer.from([flags]), lengthOf(fixed.length), fixed);
  }
  return Buffer.concat([...frames, bytes.subarray(offset)]);
};

const lengthOf = (length: number): Buffer => {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(length);
  return header;
};
