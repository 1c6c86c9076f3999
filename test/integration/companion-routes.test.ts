import { randomBytes } from 'node:crypto';
import { logger } from '../../lambdas/observability/logger.js';
import { bearerFor, startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';

const MIB = 1024 * 1024;

interface Answer {
  readonly status: number;
  readonly json: any;
}

/** One request to the Companion routes, answered as status and parsed JSON. */
const call = async (
  api: TestRuntime,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> => {
  const response = await fetch(`${api.apiUrl}/companion${path}`, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
};

const q = (key: string) => `?${new URLSearchParams({ key })}`;

/** Starts an upload, sends `parts` (bytes per part) and answers its key, id and ETags. */
const uploadParts = async (api: TestRuntime, filename: string, type: string, parts: Buffer[]) => {
  const created = await call(api, 'POST', '/s3/multipart', { filename, type, metadata: {} });
  expect(created.status).toBe(200);
  const { key, uploadId } = created.json as { key: string; uploadId: string };
  const etags: { PartNumber: number; ETag: string }[] = [];
  for (const [index, bytes] of parts.entries()) {
    const signed = await call(
      api,
      'GET',
      `/s3/multipart/${encodeURIComponent(uploadId)}/${index + 1}${q(key)}`,
    );
    expect(signed.status).toBe(200);
    const put = await fetch(signed.json.url as string, { method: 'PUT', body: bytes });
    expect(put.status).toBe(200);
    etags.push({ PartNumber: index + 1, ETag: put.headers.get('etag')! });
  }
  return { key, uploadId, etags };
};

const expectRefused = (answer: Answer, status: number) => {
  expect(answer.status).toBe(status);
  expect(typeof answer.json.message).toBe('string');
  expect(answer.json.message.length).toBeGreaterThan(0);
};

describe('Companion-compatible routes (COMPANION_ROUTES=true) on the local runtime', () => {
  let api: TestRuntime;
  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    api = await startTestRuntime({ COMPANION_ROUTES: 'true', MAX_UPLOAD_BYTES: String(20 * MIB) });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('uploads in parts: create, sign, list (a bare array), complete, then confirm', async () => {
    const first = randomBytes(5 * MIB);
    const last = randomBytes(1234);
    const { key, uploadId, etags } = await uploadParts(api, 'big.bin', 'application/octet-stream', [
      first,
      last,
    ]);
    expect(key).toMatch(/^anonymous\/[0-9a-f-]{36}-big\.bin$/);
    const listed = await call(api, 'GET', `/s3/multipart/${encodeURIComponent(uploadId)}${q(key)}`);
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual(
      etags.map((part, index) => ({
        PartNumber: part.PartNumber,
        ETag: part.ETag,
        Size: index === 0 ? first.length : last.length,
      })),
    );
    const done = await call(
      api,
      'POST',
      `/s3/multipart/${encodeURIComponent(uploadId)}/complete${q(key)}`,
      { parts: etags },
    );
    expect(done.status).toBe(200);
    expect(done.json).toEqual({ location: key, key });
    const objectName = key.slice('anonymous/'.length);
    const confirmed = await api.post('/api/v1/confirm-upload', { object_name: objectName });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json.size).toBe(first.length + last.length);
  });

  it('answers GET /s3/params with a presigned POST form that uploads a draft', async () => {
    const answer = await call(
      api,
      'GET',
      `/s3/params?${new URLSearchParams({ filename: 'a.txt', type: 'text/plain', 'metadata[name]': 'a.txt' })}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.json.method).toBe('POST');
    const form = new FormData();
    for (const [name, value] of Object.entries(answer.json.fields as Record<string, string>)) {
      form.append(name, value);
    }
    form.append('file', new Blob(['hello'], { type: 'text/plain' }));
    const posted = await fetch(answer.json.url as string, { method: 'POST', body: form });
    expect(posted.status).toBeLessThan(300);
    const objectName = (answer.json.fields.key as string).slice('anonymous/'.length);
    expect(objectName).toMatch(/-a\.txt$/);
    const info = await api.post('/api/v1/object-info', {
      object_name: objectName,
      stage: 'draft',
    });
    expect(info.status).toBe(200);
    expect(info.json.size).toBe(5);
  });

  it('refuses bad input with 4xx {message} and changes nothing', async () => {
    const bytes = randomBytes(5 * MIB);
    const { key, uploadId, etags } = await uploadParts(
      api,
      'kept.bin',
      'application/octet-stream',
      [bytes],
    );
    const id = encodeURIComponent(uploadId);
    // An edited uploadId (the token inside it) is refused.
    const edited = uploadId.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expectRefused(
      await call(api, 'GET', `/s3/multipart/${encodeURIComponent(edited)}${q(key)}`),
      403,
    );
    expectRefused(
      await call(api, 'POST', `/s3/multipart/${encodeURIComponent(edited)}/complete${q(key)}`, {
        parts: etags,
      }),
      403,
    );
    expectRefused(
      await call(api, 'DELETE', `/s3/multipart/${encodeURIComponent(edited)}${q(key)}`),
      403,
    );
    // An edited key, another owner's key, or none.
    expectRefused(await call(api, 'GET', `/s3/multipart/${id}${q(`${key}x`)}`), 404);
    expectRefused(
      await call(api, 'DELETE', `/s3/multipart/${id}${q(key.replace('anonymous', 'x'))}`),
      404,
    );
    expectRefused(await call(api, 'GET', `/s3/multipart/${id}`), 400);
    // Another owner, with the right id and key.
    expectRefused(
      await call(api, 'DELETE', `/s3/multipart/${id}${q(key)}`, undefined, bearerFor('mallory')),
      404,
    );
    // Part numbers out of range: 20 MiB in parts of at least 5 MiB is at most 4 parts.
    for (const bad of ['0', '5', '10001', 'abc', '-1', '1.5']) {
      expectRefused(await call(api, 'GET', `/s3/multipart/${id}/${bad}${q(key)}`), 400);
    }
    // Malformed bodies.
    for (const body of ['{', '[]', '"x"', JSON.stringify({ parts: 'no' }), JSON.stringify({})]) {
      expectRefused(await call(api, 'POST', `/s3/multipart/${id}/complete${q(key)}`, body), 400);
    }
    expectRefused(
      await call(api, 'POST', `/s3/multipart/${id}/complete${q(key)}`, {
        parts: [{ PartNumber: 9, ETag: '"x"' }],
      }),
      400,
    );
    expectRefused(await call(api, 'POST', '/s3/multipart', '{'), 400);
    expectRefused(await call(api, 'POST', '/s3/multipart', { type: 'text/plain' }), 400);
    expectRefused(await call(api, 'POST', '/s3/multipart', { filename: 7 }), 400);
    expectRefused(await call(api, 'GET', '/s3/params'), 400);
    // Unknown routes under the prefix.
    for (const [method, path] of [
      ['GET', '/s3/sts'],
      ['GET', '/nothing'],
      ['PUT', '/s3/multipart'],
      ['GET', ''],
      ['POST', `/s3/multipart/${id}/complete/more${q(key)}`],
    ] as const) {
      expectRefused(await call(api, method, path), 404);
    }
    // Nothing changed: the one part is still there, and the upload completes.
    const listed = await call(api, 'GET', `/s3/multipart/${id}${q(key)}`);
    expect(listed.json).toEqual([{ PartNumber: 1, ETag: etags[0]!.ETag, Size: bytes.length }]);
    const done = await call(api, 'POST', `/s3/multipart/${id}/complete${q(key)}`, { parts: etags });
    expect(done.status).toBe(200);
  });

  it('checks the upload policy at complete: too large is 413, and the draft is removed', async () => {
    const parts = [
      randomBytes(5 * MIB),
      randomBytes(5 * MIB),
      randomBytes(5 * MIB),
      randomBytes(6 * MIB),
    ];
    const { key, uploadId, etags } = await uploadParts(
      api,
      'huge.bin',
      'application/octet-stream',
      parts,
    );
    const done = await call(
      api,
      'POST',
      `/s3/multipart/${encodeURIComponent(uploadId)}/complete${q(key)}`,
      { parts: etags },
    );
    expectRefused(done, 413);
    const confirmed = await api.post('/api/v1/confirm-upload', {
      object_name: key.slice('anonymous/'.length),
    });
    expect(confirmed.status).toBe(404);
  });

  it('aborts: DELETE answers {} and the upload is gone', async () => {
    const { key, uploadId } = await uploadParts(api, 'gone.bin', 'application/octet-stream', [
      randomBytes(1000),
    ]);
    const id = encodeURIComponent(uploadId);
    const aborted = await call(api, 'DELETE', `/s3/multipart/${id}${q(key)}`);
    expect(aborted).toEqual({ status: 200, json: {} });
    expectRefused(await call(api, 'GET', `/s3/multipart/${id}${q(key)}`), 404);
  });

  it('answers the CORS preflight of every route, with DELETE allowed', async () => {
    const response = await fetch(`${api.apiUrl}/companion/s3/multipart`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(response.headers.get('access-control-allow-methods')).toContain('DELETE');
  });

  it('keeps uploads of one owner apart from another: a bearer token owns its uploads', async () => {
    const created = await call(
      api,
      'POST',
      '/s3/multipart',
      { filename: 'mine.bin', type: 'application/octet-stream' },
      bearerFor('alice'),
    );
    expect(created.json.key).toMatch(/^alice\//);
    const id = encodeURIComponent(created.json.uploadId as string);
    expectRefused(
      await call(api, 'GET', `/s3/multipart/${id}${q(created.json.key as string)}`),
      404,
    );
    const listed = await call(
      api,
      'GET',
      `/s3/multipart/${id}${q(created.json.key as string)}`,
      undefined,
      bearerFor('alice'),
    );
    expect(listed).toEqual({ status: 200, json: [] });
  });
});

describe('Companion-compatible routes, off and auto-confirming', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));

  it('are not served without COMPANION_ROUTES=true', async () => {
    const api = await startTestRuntime();
    try {
      const answer = await call(api, 'POST', '/s3/multipart', {
        filename: 'a',
        type: 'text/plain',
      });
      expect(answer.status).toBe(404);
    } finally {
      await api.stop();
    }
  });

  it('confirm at complete with COMPANION_AUTO_CONFIRM=true; a refusal is the 4xx {message}', async () => {
    const api = await startTestRuntime({
      COMPANION_ROUTES: 'true',
      COMPANION_AUTO_CONFIRM: 'true',
      CONTENT_SNIFFING: 'strict',
    });
    try {
      const ok = await uploadParts(api, 'note.txt', 'text/plain', [Buffer.from('plain text')]);
      const done = await call(
        api,
        'POST',
        `/s3/multipart/${encodeURIComponent(ok.uploadId)}/complete${q(ok.key)}`,
        { parts: ok.etags },
      );
      expect(done.status).toBe(200);
      const objectName = ok.key.slice('anonymous/'.length);
      const again = await api.post('/api/v1/confirm-upload', { object_name: objectName });
      expect(again.status).toBe(200);
      // An executable declared as a PNG: confirm refuses it, and the answer says why.
      const bad = await uploadParts(api, 'fake.png', 'image/png', [
        Buffer.concat([Buffer.from('MZ'), randomBytes(200)]),
      ]);
      const refused = await call(
        api,
        'POST',
        `/s3/multipart/${encodeURIComponent(bad.uploadId)}/complete${q(bad.key)}`,
        { parts: bad.etags },
      );
      expect(refused.status).toBe(422);
      expect(refused.json.code).toBe('content_rejected');
      expect(refused.json.message).toMatch(/./);
    } finally {
      await api.stop();
    }
  });
});
