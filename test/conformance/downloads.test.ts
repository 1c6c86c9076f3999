import { jest } from '@jest/globals';
import type { TestRuntime } from '../helpers/local-runtime.js';
import { describeEachStore, putWith, rawRequest, startStoreRuntime } from './stores.js';

jest.setTimeout(60_000);

describeEachStore('download URLs serve only the inline list inline', (store) => {
  let api: TestRuntime;

  beforeAll(async () => {
    api = await startStoreRuntime(store);
  });
  afterAll(async () => {
    await api?.stop();
  });

  const upload = async (name: string, type: string, body: string) => {
    const ticket = await api.post('/api/v1/upload-url', {
      object_name: name,
      content_type: type,
      content_length: Buffer.byteLength(body),
    });
    expect(ticket.status).toBe(200);
    expect((await putWith(ticket.json.upload_url, ticket.json.headers, body)).status).toBe(200);
  };
  const served = async (name: string, stage: 'draft' | 'main' = 'draft') => {
    const ticket = await api.post('/api/v1/download-url', { object_name: name, stage });
    expect(ticket.status).toBe(200);
    const response = await rawRequest(ticket.json.download_url, { method: 'GET' });
    expect(response.status).toBe(200);
    return response;
  };

  it('serves text/html as an attachment named after the object, in draft and in main', async () => {
    await upload('pages/evil page.html', 'text/html', '<script>alert(1)</script>');
    const expected = `attachment; filename="evil page.html"; filename*=UTF-8''evil%20page.html`;
    const draft = await served('pages/evil page.html');
    expect(draft.headers['content-disposition']).toBe(expected);
    expect(draft.headers['content-type']).toBe('text/html');
    expect(
      (await api.post('/api/v1/confirm-upload', { object_name: 'pages/evil page.html' })).status,
    ).toBe(200);
    expect((await served('pages/evil page.html', 'main')).headers['content-disposition']).toBe(
      expected,
    );
  });

  it('serves image/svg+xml (scriptable) as an attachment by default', async () => {
    await upload('logo.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"/>');
    expect((await served('logo.svg')).headers['content-disposition']).toMatch(/^attachment; /);
  });

  it('serves a type on the default inline list inline, with the UTF-8 name in filename*', async () => {
    await upload('notes/résumé 😀.txt', 'text/plain; charset=utf-8', 'plain text');
    expect((await served('notes/résumé 😀.txt')).headers['content-disposition']).toBe(
      `inline; filename="r_sum_ _.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%F0%9F%98%80.txt`,
    );
  });
});
