import { connect } from 'node:net';
import { bearerFor, startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { putPresigned, sha256 } from '../helpers/uploads.js';

const putTo = (upload: { upload_url: string; headers: Record<string, string> }, body: Uint8Array) =>
  putPresigned(upload.upload_url, body, upload.headers);

describe('the two-stage flow over HTTP on the embedded store', () => {
  let api: TestRuntime;

  beforeAll(async () => {
    api = await startTestRuntime();
  });
  afterAll(async () => {
    await api.stop();
  });

  it.each([
    ['a plain name', 'report.pdf'],
    ['a nested name with spaces', 'my docs/q1 report.txt'],
    ['unicode', 'fotos/café-😀-日本.jpg'],
    ['URL-special characters', 'odd/a+b#c?d%e&f=g.bin'],
  ])('uploads, previews, confirms and re-confirms %s', async (_label, name) => {
    const body = new Uint8Array(Buffer.from(`bytes of ${name} ${Math.random()}`));

    const upload = await api.post('/api/v1/upload-url', {
      object_name: name,
      content_type: 'application/octet-stream',
      content_length: body.length,
    });
    expect(upload.status).toBe(200);
    expect(upload.json).toMatchObject({
      method: 'PUT',
      object_name: name,
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(body.length),
      },
    });
    expect(new URL(upload.json.upload_url).pathname).toMatch(/^\/main-draft\/anonymous\//);
    expect(Date.parse(upload.json.expires_at)).toBeGreaterThan(Date.now());

    const put = await putTo(upload.json, body);
    expect(put.status).toBe(200);

    const preview = await api.post('/api/v1/download-url', { object_name: name });
    expect(preview.status).toBe(200);
    const draftBytes = new Uint8Array(await (await fetch(preview.json.download_url)).arrayBuffer());
    expect(sha256(draftBytes)).toBe(sha256(body));

    const confirmed = await api.post('/api/v1/confirm-upload', { object_name: name });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json).toEqual({
      success: true,
      object_name: name,
      final_location: `main/anonymous/${name}`,
      size: body.length,
      content_type: 'application/octet-stream',
      etag: expect.stringMatching(/^[0-9a-f]{32}$/),
    });

    const again = await api.post('/api/v1/confirm-upload', { object_name: name });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(confirmed.json);

    const draftGone = await api.post('/api/v1/download-url', { object_name: name });
    expect(draftGone.status).toBe(404);
    expect(draftGone.json.error.code).toBe('not_found');

    const main = await api.post('/api/v1/download-url', { object_name: name, stage: 'main' });
    expect(main.status).toBe(200);
    const mainResponse = await fetch(main.json.download_url);
    expect(mainResponse.headers.get('content-type')).toBe('application/octet-stream');
    expect(sha256(new Uint8Array(await mainResponse.arrayBuffer()))).toBe(sha256(body));
  });

  it("keeps each owner's objects invisible to other owners", async () => {
    const alice = bearerFor('alice');
    const mallory = bearerFor('mallory');
    const upload = await api.post('/api/v1/upload-url', { object_name: 'private.txt' }, alice);
    expect(new URL(upload.json.upload_url).pathname).toBe('/main-draft/alice/private.txt');
    expect((await putTo(upload.json, new Uint8Array(Buffer.from('secret')))).status).toBe(200);

    const peek = await api.post('/api/v1/download-url', { object_name: 'private.txt' }, mallory);
    const steal = await api.post('/api/v1/confirm-upload', { object_name: 'private.txt' }, mallory);
    const climb = await api.post(
      '/api/v1/download-url',
      { object_name: '../alice/private.txt' },
      mallory,
    );

    expect([peek.status, steal.status, climb.status]).toEqual([404, 404, 400]);
    expect(
      (await api.post('/api/v1/confirm-upload', { object_name: 'private.txt' }, alice)).status,
    ).toBe(200);
    expect(
      (
        await api.post(
          '/api/v1/download-url',
          { object_name: 'private.txt', stage: 'main' },
          mallory,
        )
      ).status,
    ).toBe(404);
  });

  it('refuses a token without a subject instead of filing it under a shared owner', async () => {
    const noSub = bearerFor('');
    const response = await api.post('/api/v1/upload-url', { object_name: 'x.txt' }, noSub);
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe('unauthenticated');
  });

  it('reports both buckets healthy', async () => {
    const response = await fetch(`${api.apiUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', buckets: { draft: 'ok', main: 'ok' } });
  });

  it('answers 404 for confirming a name that was never uploaded', async () => {
    const response = await api.post('/api/v1/confirm-upload', {
      object_name: 'never-uploaded.txt',
    });
    expect(response.status).toBe(404);
    expect(response.json).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });
});

describe('bad input gets a clear 4xx and changes nothing', () => {
  let api: TestRuntime;

  beforeAll(async () => {
    api = await startTestRuntime({
      MAX_UPLOAD_BYTES: '1000',
      ALLOWED_CONTENT_TYPES: 'image/*,text/plain',
    });
  });
  afterAll(async () => {
    await api.stop();
  });

  const raw = (path: string, init: RequestInit) => fetch(`${api.apiUrl}${path}`, init);

  it.each([
    ['malformed JSON', '{"object_name":', 400, 'invalid_request'],
    ['a JSON array', '[]', 400, 'invalid_request'],
    ['a JSON string', '"x"', 400, 'invalid_request'],
    [
      'an unknown field (in a body valid without it: see error-contract.test.ts for the message)',
      { object_name: 'a.png', content_type: 'image/png', content_length: 5, admin: true },
      400,
      'invalid_request',
    ],
    ['a number for the name', { object_name: 42 }, 400, 'invalid_request'],
    [
      'a string for the length',
      { object_name: 'a.png', content_type: 'image/png', content_length: '5' },
      400,
      'invalid_request',
    ],
    [
      'a negative length',
      { object_name: 'a.png', content_type: 'image/png', content_length: -1 },
      400,
      'invalid_request',
    ],
    [
      'a fractional length',
      { object_name: 'a.png', content_type: 'image/png', content_length: 1.5 },
      400,
      'invalid_request',
    ],
    ['a missing name', { content_type: 'image/png' }, 400, 'invalid_request'],
    ['an empty name', { object_name: '', content_type: 'image/png' }, 400, 'invalid_object_name'],
    [
      'a traversal',
      { object_name: '../x.png', content_type: 'image/png' },
      400,
      'invalid_object_name',
    ],
    [
      'a control character',
      { object_name: 'a\u0007.png', content_type: 'image/png' },
      400,
      'invalid_object_name',
    ],
    [
      'a leading slash',
      { object_name: '/a.png', content_type: 'image/png' },
      400,
      'invalid_object_name',
    ],
    [
      'a malformed content type',
      { object_name: 'a.png', content_type: 'image png' },
      400,
      'invalid_request',
    ],
    [
      'a malformed MD5',
      { object_name: 'a.png', content_type: 'image/png', content_md5: 'abc' },
      400,
      'invalid_request',
    ],
    [
      'a too large upload',
      { object_name: 'a.png', content_type: 'image/png', content_length: 1001 },
      413,
      'payload_too_large',
    ],
    [
      'a type not allowed',
      { object_name: 'a.html', content_type: 'text/html' },
      415,
      'unsupported_media_type',
    ],
    [
      'a missing type when types are restricted',
      { object_name: 'a.png' },
      415,
      'unsupported_media_type',
    ],
    [
      'a missing length when MAX_UPLOAD_BYTES is set',
      { object_name: 'a.png', content_type: 'image/png' },
      400,
      'invalid_request',
    ],
    [
      'a prototype-polluting body',
      '{"object_name":"a.png","__proto__":{"admin":true}}',
      400,
      'invalid_request',
    ],
  ])('upload-url refuses %s', async (_label, body, status, code) => {
    const response = await api.post('/api/v1/upload-url', body);
    expect(response.status).toBe(status);
    expect(response.json).toEqual({ error: { code, message: expect.any(String) } });
  });

  it('refuses a body that is not declared as JSON with 415', async () => {
    const response = await raw('/api/v1/upload-url', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ object_name: 'a.png' }),
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'unsupported_media_type',
    );
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const response = await api.post('/api/v1/upload-url', {
      object_name: 'a.png',
      pad: 'x'.repeat(70 * 1024),
    });
    expect(response.status).toBe(413);
    expect(response.json.error.code).toBe('payload_too_large');
  });

  it('refuses an empty body with 400', async () => {
    const response = await raw('/api/v1/confirm-upload', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'invalid_request',
    );
  });

  // A cursor is base64url JSON, so anyone can write one that stays inside their own listing.
  // Its position must still be a key the store can take: a lone surrogate made the SDK
  // fail to encode the listing request (500).
  it.each([
    ['a lone surrogate', '{"v":1,"a":"anonymous/\\ud800"}'],
    ['a rolled-up lone surrogate', '{"v":1,"a":"anonymous/\\udfff","r":1}'],
    ['a control character', '{"v":1,"a":"anonymous/\\u0000"}'],
    ['a position longer than any key', `{"v":1,"a":"anonymous/${'k'.repeat(1020)}"}`],
  ])(
    'refuses a hand-made list cursor holding %s with 400, on both stages',
    async (_label, json) => {
      const cursor = Buffer.from(json).toString('base64url');

      for (const stage of ['draft', 'main']) {
        for (const delimiter of [undefined, '/']) {
          const response = await api.post('/api/v1/list-objects', {
            stage,
            cursor,
            ...(delimiter && { delimiter }),
          });

          expect({ stage, delimiter, ...response }).toEqual({
            stage,
            delimiter,
            status: 400,
            json: {
              error: { code: 'invalid_request', message: 'cursor: not a cursor this API issued' },
            },
          });
        }
      }
    },
  );

  it('refuses an unknown stage', async () => {
    const response = await api.post('/api/v1/download-url', {
      object_name: 'a.png',
      stage: 'archive',
    });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toMatch(/stage/);
  });

  it('answers an unknown route with 404 and a wrong method with 405, both as JSON', async () => {
    const missing = await raw('/api/v1/nothing', { method: 'POST' });
    const wrongMethod = await raw('/api/v1/upload-url', { method: 'GET' });
    expect([missing.status, wrongMethod.status]).toEqual([404, 405]);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect(((await wrongMethod.json()) as { error: { code: string } }).error.code).toBe(
      'method_not_allowed',
    );
  });

  it('answers a request target that is not a URL with 400, not 500', async () => {
    const { port } = new URL(api.apiUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.end('GET //[ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"code":"invalid_request"');
  });

  it('leaves a draft that breaks the policy in place when confirm refuses it', async () => {
    // The embedded store does not enforce signed headers, so a client can store
    // something the policy forbids; confirm must catch it and change nothing.
    const upload = await api.post('/api/v1/upload-url', {
      object_name: 'sneaky.png',
      content_type: 'image/png',
      content_length: 25,
    });
    const put = await fetch(upload.json.upload_url, {
      method: 'PUT',
      headers: { 'content-type': 'text/html' },
      body: '<script>alert(1)</script>',
    });
    expect(put.status).toBe(200);

    const confirmed = await api.post('/api/v1/confirm-upload', { object_name: 'sneaky.png' });
    expect(confirmed.status).toBe(415);
    expect((await api.post('/api/v1/download-url', { object_name: 'sneaky.png' })).status).toBe(
      200,
    );
    expect(
      (await api.post('/api/v1/download-url', { object_name: 'sneaky.png', stage: 'main' })).status,
    ).toBe(404);
  });
});
