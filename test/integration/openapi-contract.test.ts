import { jest } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { s3BucketCreator } from '../../lambdas/storage/s3-bucket-setup.js';
import { s3FormPresigner } from '../../lambdas/storage/s3-form-presigner.js';
import { composeServices } from '../../lambdas/compose.js';
import { loadConfig } from '../../lambdas/config.js';
import { startLocalHttpServer, type LocalHttpServer } from '../../local/http-server.js';
import { OPENAPI_PATH } from '../../scripts/openapi/render.js';
import { bearerFor, startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { openApiValidator } from '../helpers/openapi-validator.js';
import { putPresigned } from '../helpers/uploads.js';

interface Exchange {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly status: number;
  readonly body: unknown;
}

/**
 * The integration suite's requests, success and error, sent over real HTTP to the local
 * runtime; every answer must be a status the document lists, with a body its schema accepts.
 */
// Dozens of real requests per test, on a shared two-core machine.
jest.setTimeout(60_000);

describe('the REST answers match docs/openapi.json', () => {
  let api: TestRuntime;
  let validator: ReturnType<typeof openApiValidator>;
  let document: Record<string, any>;
  const seen: Exchange[] = [];

  const call = async (
    base: string,
    method: 'GET' | 'POST',
    path: string,
    body?: string | object,
    headers: Record<string, string> = {},
  ): Promise<Exchange> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const exchange = { method, path, status: response.status, body: await response.json() };
    seen.push(exchange);
    return exchange;
  };
  const post = (path: string, body?: string | object, headers?: Record<string, string>) =>
    call(api.apiUrl, 'POST', path, body, headers);

  beforeAll(async () => {
    document = JSON.parse(await readFile(OPENAPI_PATH, 'utf8'));
    validator = openApiValidator(document);
    api = await startTestRuntime({
      MAX_UPLOAD_BYTES: '1000',
      ALLOWED_CONTENT_TYPES: 'text/plain,application/octet-stream',
    });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('the whole REST flow, then its errors', async () => {
    const bytes = new Uint8Array(Buffer.from('contract bytes'));
    const name = 'contract/a.txt';
    expect((await call(api.apiUrl, 'GET', '/health')).status).toBe(200);
    const upload = await post('/api/v1/upload-url', {
      object_name: name,
      content_type: 'text/plain',
      content_length: bytes.length,
    });
    expect(upload.status).toBe(200);
    const { upload_url, headers } = upload.body as { upload_url: string; headers: any };
    expect((await putPresigned(upload_url, bytes, headers)).status).toBe(200);
    expect(
      (
        await post('/api/v1/upload-form', {
          object_name: 'contract/form.txt',
          content_type: 'text/plain',
        })
      ).status,
    ).toBe(200);
    expect((await post('/api/v1/download-url', { object_name: name })).status).toBe(200);
    expect((await post('/api/v1/confirm-upload', { object_name: name })).status).toBe(200);
    expect((await post('/api/v1/confirm-upload', { object_name: name })).status).toBe(200);
    expect((await post('/api/v1/download-url', { object_name: name, stage: 'main' })).status).toBe(
      200,
    );

    const errors: [string, string | object, number, string, Record<string, string>?][] = [
      ['/api/v1/upload-url', '{"object_name":', 400, 'invalid_request'],
      ['/api/v1/upload-url', { object_name: 'a.txt', colour: 'red' }, 400, 'invalid_request'],
      [
        '/api/v1/upload-url',
        { object_name: '../escape.txt', content_type: 'text/plain' },
        400,
        'invalid_object_name',
      ],
      [
        '/api/v1/upload-url',
        { object_name: 'big.txt', content_type: 'text/plain', content_length: 5000 },
        413,
        'payload_too_large',
      ],
      [
        '/api/v1/upload-url',
        { object_name: 'a.png', content_type: 'image/png', content_length: 5 },
        415,
        'unsupported_media_type',
      ],
      ['/api/v1/upload-url', { object_name: 'x'.repeat(70_000) }, 413, 'payload_too_large'],
      ['/api/v1/upload-url', { object_name: 'a.txt' }, 401, 'unauthenticated', bearerFor('')],
      [
        '/api/v1/upload-form',
        { object_name: 'a.png', content_type: 'image/png' },
        415,
        'unsupported_media_type',
      ],
      ['/api/v1/download-url', { object_name: 'missing.txt' }, 404, 'not_found'],
      ['/api/v1/download-url', { object_name: name, stage: 'archive' }, 400, 'invalid_request'],
      [
        '/api/v1/download-url',
        { object_name: name, stage: 'main' },
        404,
        'not_found',
        bearerFor('mallory'),
      ],
      ['/api/v1/confirm-upload', { object_name: 'missing.txt' }, 404, 'not_found'],
      ['/api/v1/confirm-upload', {}, 400, 'invalid_request'],
    ];
    for (const [path, body, status, code, headers] of errors) {
      const answer = await post(path, body, headers);
      expect({ path, status: answer.status, code: (answer.body as any).error?.code }).toEqual({
        path,
        status,
        code,
      });
    }
    const notJson = await fetch(`${api.apiUrl}/api/v1/confirm-upload`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'object_name=a.txt',
    });
    const notJsonBody = (await notJson.json()) as any;
    seen.push({
      method: 'POST',
      path: '/api/v1/confirm-upload',
      status: notJson.status,
      body: notJsonBody,
    });
    expect([notJson.status, notJsonBody.error.code]).toEqual([415, 'unsupported_media_type']);
  });

  it('the original API under /api/v1/draft/*, success and error', async () => {
    const bytes = new Uint8Array(Buffer.from('compat bytes'));
    expect((await post('/api/v1/draft/bucket', '')).status).toBe(200);
    const upload = await post('/api/v1/draft/upload-url', {
      object_name: 'compat/b.bin',
      content_type: 'application/octet-stream',
      content_length: bytes.length,
    });
    expect(upload.status).toBe(200);
    const { url } = upload.body as { url: string };
    expect(
      (await putPresigned(url, bytes, { 'content-type': 'application/octet-stream' })).status,
    ).toBe(200);
    expect((await post('/api/v1/draft/download-url', { object_name: 'compat/b.bin' })).status).toBe(
      200,
    );
    expect((await post('/api/v1/draft/confirm', { object_name: 'compat/b.bin' })).status).toBe(200);

    for (const [path, body, status] of [
      ['/api/v1/draft/upload-url', { object_name: '' }, 400],
      ['/api/v1/draft/upload-url', { object_name: 'a.png', content_type: 'image/png' }, 415],
      ['/api/v1/draft/download-url', { object_name: 'missing.bin' }, 404],
      ['/api/v1/draft/confirm', { object_name: 'missing.bin' }, 404],
      ['/api/v1/draft/confirm', '[1,', 400],
    ] as const) {
      const answer = await post(path, body);
      expect({ path, status: answer.status, shape: Object.keys(answer.body as object) }).toEqual({
        path,
        status,
        shape: ['result'],
      });
    }
  });

  it('the object and multipart routes, success and error', async () => {
    expect((await post('/api/v1/usage', {})).status).toBe(200);
    const name = 'objects/c.txt';
    const bytes = new Uint8Array(Buffer.from('catalogued'));
    const upload = await post('/api/v1/upload-url', {
      object_name: name,
      content_type: 'text/plain',
      content_length: bytes.length,
      metadata: { project: 'apollo' },
    });
    expect(upload.status).toBe(200);
    const { upload_url, headers } = upload.body as {
      upload_url: string;
      headers: Record<string, string>;
    };
    expect((await putPresigned(upload_url, bytes, headers)).status).toBe(200);
    expect((await post('/api/v1/confirm-upload', { object_name: name })).status).toBe(200);

    const info = await post('/api/v1/object-info', { object_name: name });
    expect([info.status, (info.body as { metadata: unknown }).metadata]).toEqual([
      200,
      { project: 'apollo' },
    ]);
    expect((await post('/api/v1/list-objects', { prefix: 'objects/' })).status).toBe(200);
    expect((await post('/api/v1/delete-object', { object_name: name, stage: 'main' })).status).toBe(
      200,
    );

    const created = await post('/api/v1/multipart/create', {
      object_name: 'mp/a.txt',
      content_length: bytes.length,
      content_type: 'text/plain',
    });
    expect(created.status).toBe(200);
    const { upload_id, upload_token } = created.body as { upload_id: string; upload_token: string };
    const reference = { object_name: 'mp/a.txt', upload_id, upload_token };
    const signed = await post('/api/v1/multipart/sign-parts', { ...reference, part_numbers: [1] });
    expect(signed.status).toBe(200);
    const [part] = (signed.body as { parts: { url: string; headers: Record<string, string> }[] })
      .parts;
    const put = await putPresigned(part!.url, bytes, part!.headers);
    expect(put.status).toBe(200);
    const etag = put.headers.get('etag') ?? '';
    expect((await post('/api/v1/multipart/list-parts', reference)).status).toBe(200);
    const completed = await post('/api/v1/multipart/complete', {
      ...reference,
      parts: [{ part_number: 1, etag }],
    });
    expect(completed.status).toBe(200);
    expect((await post('/api/v1/multipart/abort', reference)).status).toBe(200);

    const forged = { ...reference, upload_token: `${upload_token}x` };
    for (const [path, body, status, code] of [
      ['/api/v1/object-info', { object_name: 'missing.txt' }, 404, 'not_found'],
      ['/api/v1/list-objects', { limit: 0 }, 400, 'invalid_request'],
      ['/api/v1/delete-object', { object_name: name }, 400, 'invalid_request'],
      [
        '/api/v1/multipart/create',
        { object_name: 'mp/big.txt', content_length: 5000, content_type: 'text/plain' },
        413,
        'payload_too_large',
      ],
      ['/api/v1/multipart/sign-parts', { ...forged, part_numbers: [1] }, 403, 'forbidden'],
      ['/api/v1/multipart/list-parts', forged, 403, 'forbidden'],
      [
        '/api/v1/multipart/complete',
        { ...forged, parts: [{ part_number: 1, etag }] },
        403,
        'forbidden',
      ],
      ['/api/v1/multipart/abort', forged, 403, 'forbidden'],
    ] as const) {
      const answer = await post(path, body);
      expect({ path, status: answer.status, code: (answer.body as any).error?.code }).toEqual({
        path,
        status,
        code,
      });
    }
  });

  it('answers 503 in the documented shapes when the store is down', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const { port } = dead.address() as AddressInfo;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    // As the local runtime composes them: with form uploads and bucket creation.
    const services = composeServices(
      loadConfig({ STORAGE_TYPE: 'minio', MINIO_ENDPOINT: `127.0.0.1:${port}` }),
      { forms: s3FormPresigner, bucketCreator: s3BucketCreator() },
    );
    let server: LocalHttpServer | undefined;
    try {
      server = await startLocalHttpServer({
        host: '127.0.0.1',
        port: 0,
        resolve: () => services,
        emulateJwtAuthorizer: false,
      });
      const down = server.url;
      const answers = [
        await call(down, 'GET', '/health'),
        await call(down, 'POST', '/api/v1/download-url', { object_name: 'a.txt' }),
        await call(down, 'POST', '/api/v1/confirm-upload', { object_name: 'a.txt' }),
        await call(down, 'POST', '/api/v1/draft/confirm', { object_name: 'a.txt' }),
        await call(down, 'POST', '/api/v1/draft/bucket', ''),
        // Without a usage table, usage is measured from a listing of main.
        await call(down, 'POST', '/api/v1/usage', {}),
      ];
      expect(answers.map((answer) => answer.status)).toEqual([503, 503, 503, 503, 503, 503]);
    } finally {
      await server?.close();
      services.client.destroy();
    }
  });

  afterAll(() => {
    // One verdict over every answer the tests above collected, so each failure names its route.
    const problems = seen.flatMap((exchange) =>
      validator
        .response(exchange.method, exchange.path, exchange.status, exchange.body)
        .map((problem) => `${exchange.method} ${exchange.path} ${exchange.status}: ${problem}`),
    );
    expect(problems).toEqual([]);
    // Every documented operation was exercised, with a success and an error.
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const method of Object.keys(methods as object)) {
        const statuses = seen
          .filter((exchange) => exchange.path === path && exchange.method === method.toUpperCase())
          .map((exchange) => exchange.status);
        expect({
          path,
          success: statuses.includes(200),
          error: statuses.some((s) => s >= 400),
        }).toEqual({
          path,
          success: true,
          error: true,
        });
      }
    }
  });
});
