import { createHash } from 'node:crypto';
import { jest } from '@jest/globals';
import type { TestRuntime } from '../helpers/local-runtime.js';
import { describeEachStore, postForm, putWith, rawRequest, startStoreRuntime } from './stores.js';
import { sha256 } from '../helpers/uploads.js';

jest.setTimeout(60_000);

describeEachStore('the two-stage flow', (store) => {
  let api: TestRuntime;

  beforeAll(async () => {
    api = await startStoreRuntime(store);
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('answers health with both buckets ok', async () => {
    const response = await fetch(`${api.apiUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', buckets: { draft: 'ok', main: 'ok' } });
  });

  it.each([
    ['a plain name', 'report.pdf'],
    ['spaces', 'my docs/q1 report final.txt'],
    ['unicode', 'fotos/café-😀-日本語.jpg'],
    ['URL-special characters', 'odd/a+b#c?d%e&f=g.bin'],
    ['a percent-encoded look-alike', 'odd/100%25 sure+%2B.txt'],
  ])('uploads, previews, confirms and re-confirms %s, bytes intact', async (_label, name) => {
    const body = Buffer.from(`bytes of ${name} ${Math.random()}\n`.repeat(50));
    const md5 = createHash('md5').update(body).digest('base64');

    const upload = await api.post('/api/v1/upload-url', {
      object_name: name,
      content_type: 'application/octet-stream',
      content_length: body.length,
      content_md5: md5,
    });
    expect(upload.status).toBe(200);
    expect(upload.json.headers).toEqual({
      'content-type': 'application/octet-stream',
      'content-length': String(body.length),
      'content-md5': md5,
    });
    const put = await putWith(upload.json.upload_url, upload.json.headers, body);
    expect(put.status).toBe(200);

    const preview = await api.post('/api/v1/download-url', { object_name: name });
    expect(preview.status).toBe(200);
    const draft = await rawRequest(preview.json.download_url, { method: 'GET' });
    expect(draft.status).toBe(200);
    expect(sha256(draft.body)).toBe(sha256(body));

    const confirmed = await api.post('/api/v1/confirm-upload', { object_name: name });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json).toEqual({
      success: true,
      object_name: name,
      final_location: expect.stringMatching(new RegExp(`/anonymous/`)),
      size: body.length,
      content_type: 'application/octet-stream',
      etag: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(confirmed.json.final_location.endsWith(`/anonymous/${name}`)).toBe(true);

    const again = await api.post('/api/v1/confirm-upload', { object_name: name });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(confirmed.json);

    const draftGone = await api.post('/api/v1/download-url', { object_name: name });
    expect(draftGone.status).toBe(404);

    const main = await api.post('/api/v1/download-url', { object_name: name, stage: 'main' });
    expect(main.status).toBe(200);
    const final = await rawRequest(main.json.download_url, { method: 'GET' });
    expect(final.status).toBe(200);
    expect(sha256(final.body)).toBe(sha256(body));
    expect(final.headers['content-type']).toBe('application/octet-stream');
  });

  it('takes an upload through the presigned POST form, then confirms it', async () => {
    const body = Buffer.from('<p>posted through a plain HTML form</p>');
    const form = await api.post('/api/v1/upload-form', {
      object_name: 'forms/page one.html',
      content_type: 'text/html',
    });
    expect(form.status).toBe(200);
    expect(form.json).toMatchObject({
      method: 'POST',
      object_name: 'forms/page one.html',
      content_type: 'text/html',
      content_length_range: [0, 5 * 1024 ** 3],
      fields: { key: 'anonymous/forms/page one.html', 'Content-Type': 'text/html' },
    });

    const posted = await postForm(form.json.url, form.json.fields, body);
    expect([200, 201, 204]).toContain(posted.status);

    const confirmed = await api.post('/api/v1/confirm-upload', {
      object_name: 'forms/page one.html',
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json).toMatchObject({ size: body.length, content_type: 'text/html' });
    const main = await api.post('/api/v1/download-url', {
      object_name: 'forms/page one.html',
      stage: 'main',
    });
    const final = await rawRequest(main.json.download_url, { method: 'GET' });
    expect(sha256(final.body)).toBe(sha256(body));
  });

  it('keeps owners apart', async () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const as = (sub: string) => ({
      authorization: `Bearer ${part({ alg: 'none' })}.${part({ sub })}.`,
    });
    const upload = await api.post(
      '/api/v1/upload-url',
      { object_name: 'mine.txt', content_type: 'text/plain', content_length: 4 },
      as('alice'),
    );
    expect((await putWith(upload.json.upload_url, upload.json.headers, 'mine')).status).toBe(200);

    const bob = await api.post('/api/v1/confirm-upload', { object_name: 'mine.txt' }, as('bob'));
    expect(bob.status).toBe(404);
    const alice = await api.post(
      '/api/v1/confirm-upload',
      { object_name: 'mine.txt' },
      as('alice'),
    );
    expect(alice.status).toBe(200);
  });
});
