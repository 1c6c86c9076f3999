import {
  startTestRuntime,
  type TestRuntime,
  useQuietTestRuntime,
} from '../helpers/local-runtime.js';
import { sha256 } from '../helpers/uploads.js';

describe('the original DraftStore REST API (/api/v1/draft/*) on the local runtime', () => {
  let api: TestRuntime;
  useQuietTestRuntime((started) => (api = started));

  it('runs the whole flow with the original request and response shapes', async () => {
    // Prepare
    const body = new Uint8Array(Buffer.from(`compat bytes ${Math.random()}`));

    // Act
    const bucket = await api.post('/api/v1/draft/bucket', '');
    const upload = await api.post('/api/v1/draft/upload-url', { object_name: 'compat/a.bin' });
    const put = await fetch(upload.json.url, { method: 'PUT', body });
    const preview = await api.post('/api/v1/draft/download-url', { object_name: 'compat/a.bin' });
    const previewBytes = new Uint8Array(await (await fetch(preview.json.url)).arrayBuffer());
    const confirmed = await api.post('/api/v1/draft/confirm', { object_name: 'compat/a.bin' });

    // Assess
    expect(bucket).toEqual({ status: 200, json: { result: { success: true } } });
    expect(upload.status).toBe(200);
    expect(upload.json).toEqual({
      result: { success: true },
      url: expect.any(String),
      headers: {},
    });
    expect(put.status).toBe(200);
    expect(preview.json).toEqual({ result: { success: true }, url: expect.any(String) });
    expect(sha256(previewBytes)).toBe(sha256(body));
    expect(confirmed).toEqual({ status: 200, json: { result: { success: true } } });
    expect(
      (await api.post('/api/v1/download-url', { object_name: 'compat/a.bin', stage: 'main' }))
        .status,
    ).toBe(200);
  });

  describe('download-url after a confirm (the original server signed main there)', () => {
    const name = 'compat/confirmed.bin';
    const body = new Uint8Array(Buffer.from(`confirmed compat bytes ${Math.random()}`));

    beforeAll(async () => {
      const upload = await api.post('/api/v1/draft/upload-url', { object_name: name });
      expect((await fetch(upload.json.url, { method: 'PUT', body })).status).toBe(200);
      expect((await api.post('/api/v1/draft/confirm', { object_name: name })).status).toBe(200);
    });

    it('signs the confirmed object when no stage is given and no draft exists', async () => {
      const download = await api.post('/api/v1/draft/download-url', { object_name: name });

      expect(download).toEqual({
        status: 200,
        json: { result: { success: true }, url: expect.any(String) },
      });
      expect(new URL(download.json.url).pathname).toBe(`/main/anonymous/${name}`);
      expect(sha256(new Uint8Array(await (await fetch(download.json.url)).arrayBuffer()))).toBe(
        sha256(body),
      );
    });

    it('accepts stage: "main" and signs main', async () => {
      const download = await api.post('/api/v1/draft/download-url', {
        object_name: name,
        stage: 'main',
      });

      expect(download.status).toBe(200);
      expect(new URL(download.json.url).pathname).toBe(`/main/anonymous/${name}`);
    });

    it('answers 404 for stage: "draft", without falling back', async () => {
      const download = await api.post('/api/v1/draft/download-url', {
        object_name: name,
        stage: 'draft',
      });

      expect(download).toEqual({
        status: 404,
        json: { result: { error_message: `No draft named "${name}".`, error_type: 2 } },
      });
    });

    it('refuses an unknown stage, naming the field', async () => {
      const download = await api.post('/api/v1/draft/download-url', {
        object_name: name,
        stage: 'published',
      });

      expect(download).toEqual({
        status: 400,
        json: { result: { error_message: 'stage: must be "draft" or "main"', error_type: 0 } },
      });
    });

    it('leaves the modern route strict: no stage still means the draft only', async () => {
      const download = await api.post('/api/v1/download-url', { object_name: name });

      expect(download.status).toBe(404);
      expect(download.json).toEqual({
        error: { code: 'not_found', message: `No draft named "${name}".` },
      });
    });
  });

  it.each([
    [
      'confirming a missing object',
      '/api/v1/draft/confirm',
      { object_name: 'never.txt' },
      404,
      2, // ERROR_TYPE_OBJECT_NOT_FOUND
    ],
    [
      'a traversal in the name',
      '/api/v1/draft/upload-url',
      { object_name: '../x' },
      400,
      6, // ERROR_TYPE_INVALID_OBJECT_NAME
    ],
    ['an empty name', '/api/v1/draft/download-url', { object_name: '' }, 400, 6],
    ['malformed JSON', '/api/v1/draft/upload-url', '{"object_name":', 400, 0],
  ])(
    'answers %s with the status and draft.v1 error type',
    async (_label, path, request, status, type) => {
      const response = await api.post(path, request);

      expect(response.status).toBe(status);
      expect(response.json).toEqual({
        result: { error_message: expect.any(String), error_type: type },
      });
    },
  );
});

describe('the original upload route signs what the modern route signs', () => {
  let api: TestRuntime;
  const md5 = Buffer.alloc(16, 7).toString('base64');
  const sha = Buffer.alloc(32, 9).toString('base64');

  beforeAll(async () => {
    api = await startTestRuntime();
  });
  afterAll(async () => {
    await api.stop();
  });

  it('signs content_md5 and checksum_sha256 and lists every header the PUT must send', async () => {
    const response = await api.post('/api/v1/draft/upload-url', {
      object_name: 'digests.bin',
      content_type: 'application/octet-stream',
      content_length: 3,
      content_md5: md5,
      checksum_sha256: sha,
    });
    const modern = await api.post('/api/v1/upload-url', {
      object_name: 'digests.bin',
      content_type: 'application/octet-stream',
      content_length: 3,
      content_md5: md5,
      checksum_sha256: sha,
    });

    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      result: { success: true },
      url: expect.any(String),
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': '3',
        'content-md5': md5,
        'x-amz-checksum-sha256': sha,
      },
    });
    expect(response.json.headers).toEqual(modern.json.headers);
    const signed = new URL(response.json.url).searchParams.get('X-Amz-SignedHeaders') ?? '';
    expect(signed.split(';')).toEqual(
      expect.arrayContaining([
        'content-type',
        'content-length',
        'content-md5',
        'x-amz-checksum-sha256',
      ]),
    );
  });

  it.each([
    ['content_md5', 'not base64!', 'content_md5: must be the base64 MD5 of the body (16 bytes)'],
    [
      'content_md5',
      Buffer.alloc(15).toString('base64'),
      'content_md5: must be the base64 MD5 of the body (16 bytes)',
    ],
    [
      'checksum_sha256',
      '%%%',
      'checksum_sha256: must be the base64 SHA-256 of the body (32 bytes)',
    ],
    ['checksum_sha256', md5, 'checksum_sha256: must be the base64 SHA-256 of the body (32 bytes)'],
  ])(
    'refuses %s %j with 400, naming the field, in the original shape',
    async (field, value, message) => {
      const response = await api.post('/api/v1/draft/upload-url', {
        object_name: 'bad-digest.bin',
        [field]: value,
      });

      expect(response).toEqual({
        status: 400,
        json: { result: { error_message: message, error_type: 0 } },
      });
    },
  );
});

describe('the original upload route under an upload policy', () => {
  let api: TestRuntime;

  beforeAll(async () => {
    api = await startTestRuntime({ MAX_UPLOAD_BYTES: '1000', ALLOWED_CONTENT_TYPES: 'text/*' });
  });
  afterAll(async () => {
    await api.stop();
  });

  it('still refuses an old client that declares nothing, with the original error shape', async () => {
    const response = await api.post('/api/v1/draft/upload-url', { object_name: 'a.txt' });

    expect(response.status).toBe(415);
    expect(response.json.result.error_message).toMatch(/content type/i);
  });

  it('signs the type and length a client declares, so it can upload under the policy', async () => {
    const response = await api.post('/api/v1/draft/upload-url', {
      object_name: 'a.txt',
      content_type: 'text/plain',
      content_length: 5,
    });

    expect(response.status).toBe(200);
    expect(response.json.headers).toEqual({ 'content-type': 'text/plain', 'content-length': '5' });
    const signed = new URL(response.json.url).searchParams.get('X-Amz-SignedHeaders') ?? '';
    expect(signed.split(';')).toEqual(expect.arrayContaining(['content-type', 'content-length']));
    const put = await fetch(response.json.url, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(put.status).toBe(200);
  });
});
