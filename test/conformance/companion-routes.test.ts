import { randomBytes } from 'node:crypto';
import { logger } from '../../lambdas/observability/logger.js';
import type { TestRuntime } from '../helpers/local-runtime.js';
import { describeEachStore, startStoreRuntime } from './stores.js';

const MIB = 1024 * 1024;

const call = async (api: TestRuntime, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${api.apiUrl}/companion${path}`, {
    method,
    ...(body !== undefined && {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
};

const q = (key: string) => `?${new URLSearchParams({ key })}`;

describeEachStore('the Companion-compatible routes', (store) => {
  let api: TestRuntime;
  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    api = await startStoreRuntime(store, {
      COMPANION_ROUTES: 'true',
      MAX_UPLOAD_BYTES: String(12 * MIB),
    });
  }, 60_000);
  afterAll(async () => {
    await api?.stop();
  });

  /** Creates an upload and PUTs `parts` to the URLs the routes sign. */
  const upload = async (filename: string, parts: Buffer[]) => {
    const created = await call(api, 'POST', '/s3/multipart', {
      filename,
      type: 'application/octet-stream',
    });
    expect(created.status).toBe(200);
    const { key, uploadId } = created.json as { key: string; uploadId: string };
    const etags: { PartNumber: number; ETag: string }[] = [];
    for (const [index, bytes] of parts.entries()) {
      const signed = await call(
        api,
        'GET',
        `/s3/multipart/${encodeURIComponent(uploadId)}/${index + 1}${q(key)}`,
      );
      const put = await fetch(signed.json.url as string, { method: 'PUT', body: bytes });
      expect(put.status).toBe(200);
      etags.push({ PartNumber: index + 1, ETag: put.headers.get('etag')! });
    }
    return { key, id: encodeURIComponent(uploadId), uploadId, etags };
  };

  it('uploads in parts Uppy sized, lists them as a bare array, completes and confirms', async () => {
    const parts = [randomBytes(5 * MIB), randomBytes(777)];
    const { key, id, etags } = await upload('rgw.bin', parts);
    const listed = await call(api, 'GET', `/s3/multipart/${id}${q(key)}`);
    expect(listed.json.map((part: { PartNumber: number }) => part.PartNumber)).toEqual([1, 2]);
    expect(listed.json.map((part: { Size: number }) => part.Size)).toEqual([5 * MIB, 777]);
    const done = await call(api, 'POST', `/s3/multipart/${id}/complete${q(key)}`, { parts: etags });
    expect(done).toEqual({ status: 200, json: { location: key, key } });
    const confirmed = await api.post('/api/v1/confirm-upload', {
      object_name: key.slice(key.indexOf('/') + 1),
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json.size).toBe(5 * MIB + 777);
  }, 60_000);

  it('refuses an edited uploadId, a part past the limit and an oversize draft at complete', async () => {
    const parts = [randomBytes(5 * MIB), randomBytes(5 * MIB), randomBytes(3 * MIB)];
    const { key, id, uploadId, etags } = await upload('toolarge.bin', parts);
    const edited = encodeURIComponent(uploadId.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')));
    const forged = await call(api, 'GET', `/s3/multipart/${edited}${q(key)}`);
    expect(forged.status).toBe(403);
    expect(forged.json.message).toMatch(/upload_token/);
    // 12 MiB in parts of at least 5 MiB: 3 parts at most.
    const beyond = await call(api, 'GET', `/s3/multipart/${id}/4${q(key)}`);
    expect(beyond.status).toBe(400);
    // 13 MiB assembled: over MAX_UPLOAD_BYTES, so complete refuses it and removes the draft.
    const done = await call(api, 'POST', `/s3/multipart/${id}/complete${q(key)}`, { parts: etags });
    expect(done.status).toBe(413);
    expect(done.json.message).toMatch(/limit/);
    const draft = await api.post('/api/v1/object-info', {
      object_name: key.slice(key.indexOf('/') + 1),
      stage: 'draft',
    });
    expect(draft.status).toBe(404);
  }, 60_000);

  it('answers GET /s3/params with a form the store accepts', async () => {
    const answer = await call(
      api,
      'GET',
      `/s3/params?${new URLSearchParams({ filename: 'form.txt', type: 'text/plain' })}`,
    );
    const form = new FormData();
    for (const [name, value] of Object.entries(answer.json.fields as Record<string, string>)) {
      form.append(name, value);
    }
    form.append('file', new Blob(['form bytes'], { type: 'text/plain' }));
    const posted = await fetch(answer.json.url as string, { method: 'POST', body: form });
    expect(posted.status).toBeLessThan(300);
    const key = answer.json.fields.key as string;
    const info = await api.post('/api/v1/object-info', {
      object_name: key.slice(key.indexOf('/') + 1),
      stage: 'draft',
    });
    expect(info.json.size).toBe('form bytes'.length);
  }, 60_000);
});
