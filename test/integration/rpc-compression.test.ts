import { connect as http2Connect } from 'node:http2';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { createClient } from '@connectrpc/connect';
import { compressionGzip, createConnectTransport } from '@connectrpc/connect-node';
import { DraftService } from '../../lambdas/gen/draft/v1/draft_pb.js';
import { type TestRuntime, useQuietTestRuntime } from '../helpers/local-runtime.js';

const HEALTH = '/draft.v1.DraftService/Health';

/** One gRPC(-web) message frame: [flags][length][payload]; flag 1 marks it compressed. */
const frame = (flags: number, payload: Uint8Array): Buffer => {
  const header = Buffer.alloc(5);
  header[0] = flags;
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
};

/** The grpc-status and grpc-message of a gRPC-web answer, from its trailer frame. */
const grpcWebStatus = (body: Buffer): { status?: string; message?: string } => {
  const text = body.toString('latin1');
  return {
    status: /grpc-status:\s*(\d+)/.exec(text)?.[1],
    message: /grpc-message:\s*([^\r\n]*)/.exec(text)?.[1],
  };
};

/** Corrupt bodies for each encoding the local server accepts: junk, and a cut-off stream. */
const CORRUPT: readonly (readonly [string, string, Uint8Array])[] = [
  ['gzip', 'truncated', gzipSync('{}').subarray(0, 12)],
  ['gzip', 'junk', Buffer.from('not gzip at all')],
  ['br', 'junk', Buffer.from('x')],
  ['br', 'truncated', brotliCompressSync('{"objectName":"a"}').subarray(0, 4)],
];

describe('compressed draft.v1 requests on the local runtime', () => {
  let api: TestRuntime;
  useQuietTestRuntime((started) => (api = started));

  const post = async (headers: Record<string, string>, body: Uint8Array) => {
    const response = await fetch(`${api.apiUrl}${HEALTH}`, { method: 'POST', headers, body });
    return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
  };

  it('serves a Connect JSON call that connect-es sends gzip-compressed', async () => {
    const client = createClient(
      DraftService,
      createConnectTransport({
        baseUrl: api.apiUrl,
        httpVersion: '1.1',
        useBinaryFormat: false,
        sendCompression: compressionGzip,
        compressMinBytes: 0,
      }),
    );

    const health = await client.health({});
    const ticket = await client.getUploadURL({ objectName: 'zipped/a.txt' });

    expect(health.healthy).toBe(true);
    expect(ticket.objectName).toBe('zipped/a.txt');
  });

  it.each([
    ['gzip', gzipSync],
    ['br', brotliCompressSync],
  ] as const)(
    'refuses %s-compressed JSON that is not UTF-8 inside, as it refuses it uncompressed',
    async (encoding, compress) => {
      const json = Buffer.concat([
        Buffer.from('{"objectName":"a'),
        Buffer.from([0xff, 0xfe, 0x22, 0x7d]),
      ]);

      const answer = await post(
        { 'content-type': 'application/json', 'content-encoding': encoding },
        compress(json),
      );

      expect({ status: answer.status, json: JSON.parse(answer.body.toString('utf8')) }).toEqual({
        status: 400,
        json: { code: 'invalid_argument', message: 'The request body is not valid UTF-8.' },
      });
    },
  );

  it.each(CORRUPT)(
    'answers invalid_argument, not internal, for a %s body that is %s, over Connect JSON and binary',
    async (encoding, _kind, body) => {
      for (const contentType of ['application/json', 'application/proto']) {
        const answer = await post(
          { 'content-type': contentType, 'content-encoding': encoding },
          body,
        );

        expect({ contentType, status: answer.status }).toEqual({ contentType, status: 400 });
        expect(JSON.parse(answer.body.toString('utf8'))).toMatchObject({
          code: 'invalid_argument',
        });
      }
    },
  );

  it.each(CORRUPT)(
    'answers grpc-status 3, not 13, for a %s message that is %s, over gRPC-web',
    async (encoding, _kind, body) => {
      const answer = await post(
        { 'content-type': 'application/grpc-web+proto', 'grpc-encoding': encoding },
        frame(1, body),
      );

      expect(answer.status).toBe(200);
      expect(grpcWebStatus(answer.body).status).toBe('3');
    },
  );

  it.each(CORRUPT)(
    'answers grpc-status 3, not 13, for a %s message that is %s, over gRPC on HTTP/2',
    async (encoding, _kind, body) => {
      const session = http2Connect(api.grpcUrl);
      try {
        const status = await new Promise<string | undefined>((resolve, reject) => {
          const request = session.request({
            ':method': 'POST',
            ':path': HEALTH,
            'content-type': 'application/grpc',
            'grpc-encoding': encoding,
            te: 'trailers',
          });
          let fromHeaders: string | undefined;
          request.on('response', (headers) => {
            fromHeaders = headers['grpc-status'] as string | undefined;
          });
          request.on('trailers', (trailers) => resolve(trailers['grpc-status'] as string));
          request.on('data', () => undefined);
          request.on('end', () => resolve(fromHeaders));
          request.on('error', reject);
          request.end(frame(1, body));
        });

        expect(status).toBe('3');
      } finally {
        session.close();
      }
    },
  );
});
