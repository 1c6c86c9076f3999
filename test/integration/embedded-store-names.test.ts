import { request as httpRequest } from 'node:http';
import { jest } from '@jest/globals';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EMBEDDED_MAX_SEGMENT_BYTES } from '../../local/embedded-s3-files.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { spawnLocalRuntime, type SpawnedRuntime } from '../helpers/spawned-runtime.js';
import { putPresigned, sha256 } from '../helpers/uploads.js';

jest.setTimeout(90_000);

const post = async (apiUrl: string, path: string, body: unknown) => {
  const response = await fetch(`${apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as any };
};

/** A request with its path sent exactly as written: fetch would resolve "." and ".." segments. */
const rawRequest = (
  url: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body = '',
): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, path, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on('error', reject);
    request.end(body);
  });

const health = async (apiUrl: string) => (await fetch(`${apiUrl}/health`)).status;

describe('npm start on the embedded store: names it cannot hold', () => {
  let runtime: SpawnedRuntime;

  beforeAll(async () => {
    runtime = await spawnLocalRuntime();
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('computes the limit from the store\'s file suffixes: 255 − len("._S3rver_metadata.json")', () => {
    expect(EMBEDDED_MAX_SEGMENT_BYTES).toBe(233);
  });

  it('takes a 233-byte last segment through upload, download and confirm', async () => {
    const name = `edge/${'a'.repeat(233)}`;
    const body = Buffer.from('at the boundary');
    const upload = await post(runtime.apiUrl, '/api/v1/upload-url', {
      object_name: name,
      content_length: body.length,
    });
    expect(upload.status).toBe(200);
    expect((await putPresigned(upload.json.upload_url, body, upload.json.headers)).status).toBe(
      200,
    );
    expect(
      (await post(runtime.apiUrl, '/api/v1/confirm-upload', { object_name: name })).status,
    ).toBe(200);
    const main = await post(runtime.apiUrl, '/api/v1/download-url', {
      object_name: name,
      stage: 'main',
    });
    expect(sha256(Buffer.from(await (await fetch(main.json.download_url)).arrayBuffer()))).toBe(
      sha256(body),
    );
  });

  it.each(['upload-url', 'upload-form', 'download-url', 'confirm-upload'])(
    'refuses a 234-byte segment on %s with 400 invalid_object_name naming the limit',
    async (route) => {
      const response = await post(runtime.apiUrl, `/api/v1/${route}`, {
        object_name: `edge/${'a'.repeat(234)}`,
      });
      expect(response).toEqual({
        status: 400,
        json: {
          error: {
            code: 'invalid_object_name',
            message:
              'Each "/"-separated part of object_name must be at most 233 UTF-8 bytes on this store; one part is 234.',
          },
        },
      });
    },
  );

  it("refuses the store's own file-name marker with 400 invalid_object_name", async () => {
    const response = await post(runtime.apiUrl, '/api/v1/upload-url', {
      object_name: 'x._S3rver_object/y',
    });
    expect(response.status).toBe(400);
    expect(response.json.error).toEqual({
      code: 'invalid_object_name',
      message: 'object_name must not contain "._S3rver_" on this store: the store uses it itself.',
    });
  });

  // The owner's segment is a key segment too. Without this check a token's sub made
  // multipart/create answer 500 and upload-url sign a URL the store then refused.
  it.each([
    ['a 234-byte sub', 'o'.repeat(234), 234],
    ['a 255-byte sub (the most S3 takes, unhashed)', 'p'.repeat(255), 255],
    ["a sub holding the store's marker", 'q._S3rver_object', undefined],
  ])(
    'refuses %s, whose owner segment this store cannot hold, with 401 on every route that names an object',
    async (_label, sub, bytes) => {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const authorization = `Bearer ${part({ alg: 'none' })}.${part({ sub })}.`;
      const routes: [string, object][] = [
        ['upload-url', { object_name: 'a.txt' }],
        ['upload-form', { object_name: 'a.txt' }],
        ['download-url', { object_name: 'a.txt' }],
        ['confirm-upload', { object_name: 'a.txt' }],
        ['object-info', { object_name: 'a.txt', stage: 'draft' }],
        ['delete-object', { object_name: 'a.txt', stage: 'draft' }],
        ['multipart/create', { object_name: 'a.txt', content_length: 10 }],
      ];

      for (const [route, body] of routes) {
        const response = await fetch(`${runtime.apiUrl}/api/v1/${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify(body),
        });

        expect({ route, status: response.status, json: await response.json() }).toEqual({
          route,
          status: 401,
          json: {
            error: {
              code: 'unauthenticated',
              message:
                bytes === undefined
                  ? 'The authenticated principal cannot own objects on this store: its key segment contains "._S3rver_", which the store uses itself.'
                  : `The authenticated principal cannot own objects on this store: its key segment is ${bytes} UTF-8 bytes; the most is 233.`,
            },
          },
        });
      }
    },
  );

  it.each([
    ['a 234-byte last segment (metadata file too long)', `anonymous/${'b'.repeat(234)}`],
    ['a 240-byte last segment (object file fits, metadata not)', `anonymous/${'c'.repeat(240)}`],
    ['a 241-byte last segment (object file too long)', `anonymous/${'d'.repeat(241)}`],
    ['a 255-byte last segment', `anonymous/${'e'.repeat(255)}`],
    ['a 256-byte directory segment', `anonymous/${'f'.repeat(256)}/x`],
    ["a segment naming another object's file", 'anonymous/g._S3rver_object/x'],
  ])(
    'survives a hostile unsigned PUT straight to the store with %s: 400, no crash, health 200',
    async (_label, key) => {
      const encoded = key.split('/').map(encodeURIComponent).join('/');
      const response = await fetch(`${runtime.storeUrl}/main-draft/${encoded}`, {
        method: 'PUT',
        body: 'hostile',
      });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('<Code>KeyTooLongError</Code>');
      expect(runtime.alive()).toBe(true);
      expect(await health(runtime.apiUrl)).toBe(200);
      const listing = await fetch(`${runtime.storeUrl}/main-draft?list-type=2`);
      expect(listing.status).toBe(200);
    },
  );

  it('answers a store write that fails on disk with 500 for that request only', async () => {
    // A directory where the object's file belongs: opening it for writing fails (EISDIR).
    await mkdir(join(runtime.dataDirectory, 'main-draft/anonymous/blocked._S3rver_object'), {
      recursive: true,
    });
    const response = await fetch(`${runtime.storeUrl}/main-draft/anonymous/blocked`, {
      method: 'PUT',
      body: 'x',
    });
    expect(response.status).toBe(500);
    expect(runtime.alive()).toBe(true);
    expect(await health(runtime.apiUrl)).toBe(200);
  });

  // The store builds file paths from the key and the part number. It checks no signature, so
  // anyone who can reach its port could write files outside its folder (a key segment
  // "..", or a part number "../x", which needs no file suffix at all).
  it.each([
    ['a key whose segment is ".." (encoded as %2F)', 'PUT', '/main-draft/..%2Fescaped-key'],
    ['a key whose segment is "." and then ".."', 'PUT', '/main-draft/.%2F..%2Fescaped-key'],
    ['a tagging read through a ".." segment', 'GET', '/main-draft/..%2Fescaped-key?tagging'],
  ])(
    'refuses %s straight to the store, writing nothing outside its bucket',
    async (_l, method, path) => {
      const response = await fetch(`${runtime.storeUrl}${path}`, {
        method,
        ...(method === 'PUT' && { body: 'escaped' }),
      });

      expect(response.status).toBe(400);
      expect(await readdir(runtime.dataDirectory)).not.toContain('escaped-key._S3rver_object');
    },
  );

  it.each([
    ['"..", literally', '/../escaped-bucket'],
    ['"..", encoded', '/%2E%2E/escaped-bucket'],
    ['"../<folder>"', '/..%2Fsibling/escaped-bucket'],
    ['"."', '/%2E/escaped-bucket'],
  ])(
    'refuses a bucket named %s straight to the store: nothing written or listed outside its folder',
    async (_label, path) => {
      const { dataDirectory, storeUrl } = runtime;
      const folder = basename(dataDirectory);

      const written = await rawRequest(storeUrl, 'PUT', path.replace('sibling', folder), {}, 'x');
      const listed = await rawRequest(storeUrl, 'GET', `/${path.split('/')[1]!}?list-type=2`);

      expect([written.status, listed.status]).toEqual([400, 400]);
      expect(written.text).toContain('<Code>InvalidBucketName</Code>');
      expect(await readdir(dirname(dataDirectory))).not.toContain('escaped-bucket._S3rver_object');
      expect(await readdir(dataDirectory)).not.toContain('escaped-bucket._S3rver_object');
    },
  );

  it('copies nothing from outside the store through a ".." source bucket', async () => {
    await writeFile(join(runtime.dataDirectory, 'outside._S3rver_object'), 'secret');
    await writeFile(join(runtime.dataDirectory, 'outside._S3rver_metadata.json'), '{}');

    const copied = await rawRequest(
      runtime.storeUrl,
      'PUT',
      '/main-draft/anonymous/copied-bucket',
      {
        'x-amz-copy-source': `/%2E%2E/${basename(runtime.dataDirectory)}/outside`,
      },
    );

    expect(copied.status).toBeGreaterThanOrEqual(400);
    expect(copied.status).toBeLessThan(500);
    const read = await fetch(`${runtime.storeUrl}/main-draft/anonymous/copied-bucket`);
    expect(read.status).toBe(404);
  });

  it('reads and copies nothing outside its bucket through a ".." key', async () => {
    await writeFile(join(runtime.dataDirectory, 'outside._S3rver_object'), 'secret');
    await writeFile(join(runtime.dataDirectory, 'outside._S3rver_metadata.json'), '{}');

    const read = await fetch(`${runtime.storeUrl}/main-draft/..%2Foutside`);
    const copied = await fetch(`${runtime.storeUrl}/main-draft/anonymous/copied`, {
      method: 'PUT',
      headers: { 'x-amz-copy-source': '/main-draft/..%2Foutside' },
    });

    expect(read.status).toBe(400);
    expect(await read.text()).not.toContain('secret');
    expect(copied.status).toBe(404);
  });

  it.each(['../../../escaped-part', '0', '10001', '1.md5', 'abc'])(
    'refuses an UploadPart numbered %j straight to the store, writing nothing outside the upload',
    async (partNumber) => {
      const created = await post(runtime.apiUrl, '/api/v1/multipart/create', {
        object_name: 'parts.bin',
        content_length: 10,
      });
      const signed = await post(runtime.apiUrl, '/api/v1/multipart/sign-parts', {
        object_name: 'parts.bin',
        upload_id: created.json.upload_id,
        upload_token: created.json.upload_token,
        part_numbers: [1],
      });
      const url = new URL(signed.json.parts[0].url);
      url.searchParams.set('partNumber', partNumber);

      const response = await fetch(url, { method: 'PUT', body: 'escaped' });

      expect(response.status).toBe(400);
      expect(await response.text()).toContain('<Code>InvalidArgument</Code>');
      expect(await readdir(runtime.dataDirectory)).not.toContain('escaped-part');
      const upload = join(
        runtime.dataDirectory,
        'main-draft/._S3rver_uploads',
        created.json.upload_id,
      );
      expect((await readdir(upload)).sort()).toEqual(['key', 'metadata']);
    },
  );

  it('is still running after everything above', () => {
    expect(runtime.stderr()).not.toMatch(/Unhandled 'error' event|ENAMETOOLONG/);
    expect(runtime.alive()).toBe(true);
  });
});

describe('one bad object never breaks a bucket', () => {
  let api: TestRuntime;

  beforeAll(async () => {
    api = await startTestRuntime({ CLEANUP_INTERVAL: '0', OBJECT_LIFETIME: '1' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('keeps health and cleanup working beside a half-written object from an older version', async () => {
    // What a 236-byte segment left behind before the fix: the object file, no metadata.
    const directory = join(api.dataDirectory, api.config.buckets.draft, 'anonymous');
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, `${'h'.repeat(236)}._S3rver_object`), 'orphan');
    const upload = await api.post('/api/v1/upload-url', { object_name: 'old.txt' });
    expect(
      (await putPresigned(upload.json.upload_url, Buffer.from('old'), upload.json.headers)).status,
    ).toBe(200);
    await new Promise((done) => setTimeout(done, 1100));

    expect(await health(api.apiUrl)).toBe(200);
    const summary = await api.services.cleaner.sweep();
    expect(summary).toMatchObject({
      scanned: 1,
      expired: 1,
      deleted: 1,
      failed: 0,
      complete: true,
    });
    expect(await health(api.apiUrl)).toBe(200);
  });
});
