import { connect as http2Connect } from 'node:http2';
import { type TestRuntime, useQuietTestRuntime } from '../helpers/local-runtime.js';

const CONFIRM = '/draft.v1.DraftService/ConfirmUpload';

interface Answer {
  readonly status: number;
  readonly allow: string | undefined;
  readonly contentType: string | undefined;
  readonly json: unknown;
}

/** One request over HTTP/2 with prior knowledge, as gRPC clients reach GRPC_PORT. */
const overHttp2 = (url: string, method: string): Promise<Answer> => {
  const session = http2Connect(url);
  return new Promise<Answer>((resolve, reject) => {
    const request = session.request({
      ':method': method,
      ':path': CONFIRM,
      'content-type': 'application/json',
    });
    let headers: Record<string, unknown> = {};
    const chunks: Buffer[] = [];
    request.on('response', (received) => (headers = received));
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () =>
      resolve({
        status: Number(headers[':status']),
        allow: headers.allow as string | undefined,
        contentType: headers['content-type'] as string | undefined,
        json: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'),
      }),
    );
    request.on('error', reject);
    request.end();
  }).finally(() => session.close());
};

describe('a method a draft.v1 RPC does not take, on the local runtime', () => {
  let api: TestRuntime;
  useQuietTestRuntime((started) => (api = started));

  it.each(['GET', 'PUT', 'DELETE'])(
    'answers %s on HTTP_PORT with 405, Allow and a Connect error body',
    async (method) => {
      const response = await fetch(`${api.apiUrl}${CONFIRM}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method !== 'GET' && { body: '{"objectName":"a.txt"}' }),
      });

      expect({
        status: response.status,
        allow: response.headers.get('allow'),
        contentType: response.headers.get('content-type'),
        json: await response.json(),
      }).toEqual({
        status: 405,
        allow: 'POST',
        contentType: 'application/json',
        json: {
          code: 'unimplemented',
          message: `draft.v1.DraftService/ConfirmUpload takes POST, not ${method}.`,
        },
      });
    },
  );

  it('answers a GET on GRPC_PORT (HTTP/2) the same way', async () => {
    const answer = await overHttp2(api.grpcUrl, 'GET');

    expect(answer).toEqual({
      status: 405,
      allow: 'POST',
      contentType: 'application/json',
      json: {
        code: 'unimplemented',
        message: 'draft.v1.DraftService/ConfirmUpload takes POST, not GET.',
      },
    });
  });
});

describe('a request body in a coding no draft.v1 server reads, on the local runtime', () => {
  let api: TestRuntime;
  useQuietTestRuntime((started) => (api = started));

  it.each([
    ['Connect', { 'content-type': 'application/json', 'content-encoding': 'zstd' }],
    ['gRPC-web', { 'content-type': 'application/grpc-web+json', 'grpc-encoding': 'zstd' }],
  ])('answers %s with 415, unimplemented, and the codings it reads', async (_protocol, headers) => {
    const response = await fetch(`${api.apiUrl}${CONFIRM}`, {
      method: 'POST',
      headers,
      body: '{"objectName":"a.txt"}',
    });

    expect({
      status: response.status,
      grpcStatus: response.headers.get('grpc-status'),
      acceptEncoding: response.headers.get('accept-encoding'),
      json: await response.json(),
    }).toEqual({
      status: 415,
      grpcStatus: '12',
      acceptEncoding: 'gzip, br',
      json: { code: 'unimplemented', message: expect.stringMatching(/"zstd"; accepted: gzip, br/) },
    });
  });
});
