import { request as httpRequest } from 'node:http';
import { jest } from '@jest/globals';
import { connect } from 'node:net';
import { connect as http2Connect } from 'node:http2';
import { bearerFor, startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';

/** Sends raw bytes over TCP and resolves the whole answer once the server closes. */
const rawExchange = (url: string, bytes: string): Promise<{ status: number; json: any }> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      expect(head).toMatch(/\r\ncontent-type: application\/json\r\n/i);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), json: JSON.parse(body) });
    });
  });

/**
 * POSTs `sent` bytes of a body that claims to be larger (Content-Length `declared`, or
 * chunked when undefined) and never finishes it: the answer must come anyway.
 */
const unfinishedPost = (
  url: string,
  sent: number,
  declared?: number,
): Promise<{ status: number; json: any; connection: string | undefined }> =>
  new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(declared !== undefined && { 'content-length': String(declared) }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          request.destroy();
          resolve({
            status: response.statusCode ?? 0,
            json: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            connection: response.headers.connection,
          });
        });
      },
    );
    request.on('error', reject);
    request.write(Buffer.alloc(sent, 0x20));
  });

describe('every answer of the local HTTP server is JSON in the shape of its surface', () => {
  let api: TestRuntime;

  beforeAll(async () => {
    api = await startTestRuntime();
  });
  afterAll(async () => {
    await api.stop();
  });

  it('writes no log line during a test run (test/helpers/quiet-logs.ts), even for a failed request', async () => {
    const written: unknown[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      written.push(chunk);
      return true;
    });
    try {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        expect(
          (await api.post('/api/v1/confirm-upload', { object_name: 'nothing.txt' })).status,
        ).toBe(404);
      }
    } finally {
      spy.mockRestore();
    }

    expect(process.env.POWERTOOLS_LOG_LEVEL).toBe('SILENT');
    expect(written).toEqual([]);
  });

  describe('the original routes (/api/v1/draft/*) keep {result: ...} for the server’s own errors', () => {
    it('answers an unknown route under the prefix with 404', async () => {
      const response = await api.post('/api/v1/draft/nothing-here', { object_name: 'a' });

      expect(response).toEqual({
        status: 404,
        json: {
          result: { error_message: 'No route for /api/v1/draft/nothing-here.', error_type: 2 },
        },
      });
    });

    it('answers a wrong method with 405 and Allow', async () => {
      const response = await fetch(`${api.apiUrl}/api/v1/draft/confirm`);

      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(await response.json()).toEqual({
        result: { error_message: '/api/v1/draft/confirm accepts POST only.', error_type: 0 },
      });
    });

    it('answers a body over 64 KiB with 413', async () => {
      const response = await api.post('/api/v1/draft/upload-url', ' '.repeat(70 * 1024));

      expect(response).toEqual({
        status: 413,
        json: {
          result: {
            error_message: 'The request body is 71680 bytes; the limit is 65536 bytes.',
            error_type: 5, // ERROR_TYPE_STORAGE_QUOTA_EXCEEDED, as payload_too_large maps
          },
        },
      });
    });

    it('answers a request Node cannot parse (unknown method) in the original shape', async () => {
      const response = await rawExchange(
        api.apiUrl,
        'BREW /api/v1/draft/confirm HTTP/1.1\r\nhost: localhost\r\n\r\n',
      );

      expect(response).toEqual({
        status: 400,
        json: {
          result: {
            error_message: 'The request method is not a known HTTP method.',
            error_type: 0,
          },
        },
      });
    });
  });

  describe('the modern routes keep {error: {code, message}}', () => {
    it('answers an unknown method with a JSON 400 instead of an empty one', async () => {
      const response = await rawExchange(
        api.apiUrl,
        'BREW /api/v1/upload-url HTTP/1.1\r\nhost: localhost\r\n\r\n',
      );

      expect(response).toEqual({
        status: 400,
        json: {
          error: {
            code: 'invalid_request',
            message: 'The request method is not a known HTTP method.',
          },
        },
      });
    });

    // Node answers these itself, before any handler: CONNECT by closing the socket without
    // a word, the other two with an empty body.
    it.each([
      [
        'CONNECT, a method no route takes',
        'CONNECT localhost:443 HTTP/1.1\r\nhost: localhost:443\r\n\r\n',
        405,
        { code: 'method_not_allowed', message: 'CONNECT is not supported here.' },
      ],
      [
        'an HTTP/1.1 request without Host',
        'POST /api/v1/upload-url HTTP/1.1\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}',
        400,
        { code: 'invalid_request', message: 'An HTTP/1.1 request must carry a Host header.' },
      ],
      [
        'an Expect other than 100-continue',
        'POST /api/v1/upload-url HTTP/1.1\r\nhost: localhost\r\nexpect: tea\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}',
        417,
        { code: 'invalid_request', message: 'Expect: only "100-continue" is supported.' },
      ],
    ])('answers %s with JSON instead of nothing', async (_label, request, status, error) => {
      const response = await rawExchange(api.apiUrl, request);

      expect(response).toEqual({ status, json: { error } });
    });

    it('answers headers over Node’s limit with a JSON 431', async () => {
      const response = await rawExchange(
        api.apiUrl,
        `POST /api/v1/upload-url HTTP/1.1\r\nhost: localhost\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );

      expect(response).toEqual({
        status: 431,
        json: {
          error: {
            code: 'request_headers_too_large',
            message: 'The request headers are larger than 16384 bytes.',
          },
        },
      });
    });
  });

  describe('a body over the limit is refused as soon as the limit is crossed', () => {
    it('answers 413 from the declared Content-Length, before reading the body', async () => {
      const response = await unfinishedPost(`${api.apiUrl}/api/v1/upload-url`, 1, 100 * 1024 ** 2);

      expect(response.status).toBe(413);
      expect(response.json).toEqual({
        error: {
          code: 'payload_too_large',
          message: 'The request body is 104857600 bytes; the limit is 65536 bytes.',
        },
      });
      expect(response.connection).toBe('close');
    });

    it('answers 413 after 64 KiB + 1 byte of a chunked body that never ends', async () => {
      const response = await unfinishedPost(`${api.apiUrl}/api/v1/draft/confirm`, 64 * 1024 + 1);

      expect(response.status).toBe(413);
      expect(response.json).toEqual({
        result: {
          error_message: 'The request body is over the limit of 65536 bytes.',
          error_type: 5,
        },
      });
    });

    it('still reads a body of exactly 64 KiB', async () => {
      const body = JSON.stringify({ object_name: 'a.txt' }).padEnd(64 * 1024, ' ');

      const response = await api.post('/api/v1/upload-url', body);

      expect(Buffer.byteLength(body)).toBe(65536);
      expect(response.status).toBe(200);
    });
  });

  describe('a malformed bearer token is 401 on every surface, never anonymous', () => {
    const garbage = { authorization: 'Bearer garbage' };
    const numericSub = bearerFor(42 as unknown as string);

    it('on REST and on the original routes', async () => {
      const rest = await api.post('/api/v1/upload-url', { object_name: 'a.txt' }, garbage);
      const compat = await api.post('/api/v1/draft/upload-url', { object_name: 'a.txt' }, garbage);

      expect(rest).toEqual({
        status: 401,
        json: {
          error: {
            code: 'unauthenticated',
            message: 'The Authorization header must be "Bearer <JWT>" with a JSON payload.',
          },
        },
      });
      expect(compat).toEqual({
        status: 401,
        json: {
          result: {
            error_message: 'The Authorization header must be "Bearer <JWT>" with a JSON payload.',
            error_type: 3, // ERROR_TYPE_ACCESS_DENIED
          },
        },
      });
    });

    it('on REST for a token whose sub is not a string', async () => {
      const response = await api.post('/api/v1/upload-url', { object_name: 'a.txt' }, numericSub);

      expect(response).toEqual({
        status: 401,
        json: { error: { code: 'unauthenticated', message: 'The token names no subject (sub).' } },
      });
    });

    it.each([
      [
        'a malformed token',
        garbage,
        'The Authorization header must be "Bearer <JWT>" with a JSON payload.',
      ],
      ['a token whose sub is not a string', numericSub, 'The token names no subject (sub).'],
    ])('on Connect, for %s', async (_label, headers, message) => {
      const response = await fetch(`${api.apiUrl}/draft.v1.DraftService/GetUploadURL`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ object_name: 'a.txt' }),
      });

      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'unauthenticated', message });
    });

    it('leaves /health public, as the deployed API does', async () => {
      const response = await fetch(`${api.apiUrl}/health`, { headers: garbage });

      expect(response.status).toBe(200);
    });

    it('keeps a request without Authorization anonymous (auth off)', async () => {
      const response = await api.post('/api/v1/upload-url', { object_name: 'a.txt' });

      expect(response.status).toBe(200);
      expect(new URL(response.json.upload_url).pathname).toBe('/main-draft/anonymous/a.txt');
    });
  });

  describe('bad input gets the same answer, with a message that names the cause, on every surface', () => {
    const connect = async (method: string, body: string | Uint8Array) => {
      const response = await fetch(`${api.apiUrl}/draft.v1.DraftService/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      return { status: response.status, json: (await response.json()) as any };
    };
    const post = async (path: string, body: string | Uint8Array) => {
      const response = await fetch(`${api.apiUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      return { status: response.status, json: (await response.json()) as any };
    };

    // "a", the bytes FF FE (never UTF-8), ".txt": read leniently they would become U+FFFD.
    const invalidUtf8 = new Uint8Array([
      ...Buffer.from('{"object_name":"a'),
      0xff,
      0xfe,
      ...Buffer.from('.txt"}'),
    ]);

    it('refuses raw bytes that are not UTF-8 with 400 on REST, the original routes and Connect', async () => {
      const rest = await post('/api/v1/upload-url', invalidUtf8);
      const compat = await post('/api/v1/draft/upload-url', invalidUtf8);
      const rpc = await connect('GetUploadURL', invalidUtf8);

      const message = 'The request body is not valid UTF-8.';
      expect(rest).toEqual({ status: 400, json: { error: { code: 'invalid_request', message } } });
      expect(compat).toEqual({
        status: 400,
        json: { result: { error_message: message, error_type: 0 } },
      });
      expect(rpc).toEqual({ status: 400, json: { code: 'invalid_argument', message } });
    });

    it('refuses JSON that is not UTF-8 inside a gRPC-web frame or a gRPC message, never reading U+FFFD', async () => {
      const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, invalidUtf8.length]), invalidUtf8]);
      const grpcWeb = await fetch(`${api.apiUrl}/draft.v1.DraftService/GetUploadURL`, {
        method: 'POST',
        headers: { 'content-type': 'application/grpc-web+json' },
        body: frame,
      });
      const grpcWebText = Buffer.from(await grpcWeb.arrayBuffer()).toString('latin1');
      const session = http2Connect(api.grpcUrl);
      const grpcStatus = await new Promise<unknown>((resolve, reject) => {
        const request = session.request({
          ':method': 'POST',
          ':path': '/draft.v1.DraftService/GetUploadURL',
          'content-type': 'application/grpc+json',
          te: 'trailers',
        });
        let fromHeaders: unknown;
        request.on('response', (headers) => (fromHeaders = headers['grpc-status']));
        request.on('trailers', (trailers) => resolve(trailers['grpc-status']));
        request.on('data', () => undefined);
        request.on('end', () => resolve(fromHeaders));
        request.on('error', reject);
        request.end(frame);
      }).finally(() => session.close());

      expect(grpcWebText).toMatch(/grpc-status: 3\r\n/);
      expect(grpcWebText).not.toContain('upload_url');
      expect(grpcStatus).toBe('3');
    });

    it('still accepts the same name as well-formed UTF-8', async () => {
      const rest = await post('/api/v1/upload-url', JSON.stringify({ object_name: 'aé.txt' }));

      expect(rest.status).toBe(200);
      expect(rest.json.object_name).toBe('aé.txt');
    });

    it('names a "__proto__" key instead of calling the body invalid JSON', async () => {
      const body = '{"object_name":"a.txt","__proto__":{"polluted":true}}';

      const rest = await post('/api/v1/upload-url', body);
      const compat = await post('/api/v1/draft/confirm', body);

      const message = 'The request body must not contain the key "__proto__".';
      expect(rest).toEqual({ status: 400, json: { error: { code: 'invalid_request', message } } });
      expect(compat).toEqual({
        status: 400,
        json: { result: { error_message: message, error_type: 0 } },
      });
    });

    it('says a 5000-character content_type is too long, on every route that takes one', async () => {
      const contentType = `application/${'x'.repeat(4988)}`;
      const body = JSON.stringify({ object_name: 'a.txt', content_type: contentType });

      const rest = await post('/api/v1/upload-url', body);
      const form = await post('/api/v1/upload-form', body);
      const compat = await post('/api/v1/draft/upload-url', body);
      const rpc = await connect('GetUploadURL', body);

      const message = 'content_type: must be at most 255 characters';
      expect(contentType).toHaveLength(5000);
      expect(rest.json).toEqual({ error: { code: 'invalid_request', message } });
      expect(form.json).toEqual({ error: { code: 'invalid_request', message } });
      expect(compat.json).toEqual({ result: { error_message: message, error_type: 0 } });
      expect(rpc.json).toMatchObject({ code: 'invalid_argument', message });
    });

    // A quoted parameter is a header's text: a character no HTTP header may carry made
    // multipart/create fail at the store with 500, and the other routes sign a header no
    // client can send.
    it.each([
      ['a control character', 'text/plain; x="\u0000"'],
      ['a DEL', 'text/plain; x="\u007f"'],
      ['a non-ASCII character', 'text/plain; x="日"'],
      ['a line separator', 'text/plain; x="\u2028"'],
    ])(
      'refuses a content_type whose quoted parameter holds %s, on every route that takes one',
      async (_label, contentType) => {
        const body = { object_name: 'a.txt', content_type: contentType };

        const answers = await Promise.all([
          post('/api/v1/upload-url', JSON.stringify(body)),
          post('/api/v1/upload-form', JSON.stringify(body)),
          post('/api/v1/multipart/create', JSON.stringify({ ...body, content_length: 10 })),
          post('/api/v1/draft/upload-url', JSON.stringify(body)),
          connect('GetUploadURL', JSON.stringify({ objectName: 'a.txt', contentType })),
          connect(
            'CreateMultipartUpload',
            JSON.stringify({ objectName: 'a.txt', contentType, contentLength: '10' }),
          ),
        ]);

        const message = 'content_type: must be a media type such as "image/png"';
        const [rest, form, multipart, compat, rpc, rpcMultipart] = answers;
        for (const answer of [rest, form, multipart]) {
          expect(answer).toEqual({
            status: 400,
            json: { error: { code: 'invalid_request', message } },
          });
        }
        expect(compat).toEqual({
          status: 400,
          json: { result: { error_message: message, error_type: 0 } },
        });
        for (const answer of [rpc, rpcMultipart]) {
          expect(answer.status).toBe(400);
          expect(answer.json).toMatchObject({ code: 'invalid_argument', message });
        }
      },
    );

    it('still takes a quoted parameter of printable ASCII', async () => {
      const body = JSON.stringify({
        object_name: 'quoted.bin',
        content_type: 'application/x-thing; name="a b;c=d,e"',
        content_length: 10,
      });

      const multipart = await post('/api/v1/multipart/create', body);

      expect(multipart.status).toBe(200);
    });

    it.each([
      ['one 1025-byte segment', 'a'.repeat(1025)],
      ['600 short segments (1200 characters)', 'a/'.repeat(599) + 'a'],
    ])(
      'answers a name over 1024 characters (%s) with invalid_object_name',
      async (_label, name) => {
        const body = JSON.stringify({ object_name: name });

        const rest = await post('/api/v1/upload-url', body);
        const compat = await post('/api/v1/draft/upload-url', body);
        const rpc = await connect('GetUploadURL', body);

        expect(rest).toEqual({
          status: 400,
          json: {
            error: {
              code: 'invalid_object_name',
              message: 'object_name: must be at most 1024 characters',
            },
          },
        });
        expect(compat).toEqual({
          status: 400,
          json: {
            result: {
              error_message: 'object_name: must be at most 1024 characters',
              error_type: 6,
            },
          },
        });
        // The RPC leaves names to the domain, which says which limit the name breaks.
        expect(rpc.status).toBe(400);
        expect(rpc.json).toMatchObject({
          code: 'invalid_argument',
          message: expect.stringMatching(/at most \d+ (UTF-8 )?bytes/),
          details: [
            { type: 'draft.v1.Result', debug: { errorType: 'ERROR_TYPE_INVALID_OBJECT_NAME' } },
          ],
        });
      },
    );
  });
});
