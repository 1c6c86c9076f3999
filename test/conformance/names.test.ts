import { jest } from '@jest/globals';
import type { TestRuntime } from '../helpers/local-runtime.js';
import { sha256 } from '../helpers/uploads.js';
import { describeEachStore, putWith, rawRequest, startStoreRuntime } from './stores.js';

jest.setTimeout(60_000);

/** The longest segment each store holds: S3-compatible stores 255 bytes, the embedded one 233. */
const SEGMENT_LIMIT = { embedded: 233, rgw: 255 } as const;

describeEachStore('the segment limit of the configured store, on both sides', (store) => {
  let api: TestRuntime;
  const limit = SEGMENT_LIMIT[store];

  beforeAll(async () => {
    api = await startStoreRuntime(store);
  });
  afterAll(async () => {
    await api?.stop();
  });

  it.each([
    ['ASCII', 'n'.repeat(limit)],
    ['2-byte characters', `${'é'.repeat(Math.floor(limit / 2))}${limit % 2 === 1 ? 'n' : ''}`],
  ])(
    `uploads, downloads and confirms a last segment of exactly the limit in %s`,
    async (_label, segment) => {
      expect(Buffer.byteLength(segment)).toBe(limit);
      const name = `limits/${segment}`;
      const body = Buffer.from(`exactly ${limit} bytes of name`);
      const ticket = await api.post('/api/v1/upload-url', {
        object_name: name,
        content_length: body.length,
      });
      expect(ticket.status).toBe(200);
      expect((await putWith(ticket.json.upload_url, ticket.json.headers, body)).status).toBe(200);
      const confirmed = await api.post('/api/v1/confirm-upload', { object_name: name });
      expect(confirmed.status).toBe(200);
      const main = await api.post('/api/v1/download-url', { object_name: name, stage: 'main' });
      const served = await rawRequest(main.json.download_url, { method: 'GET' });
      expect(sha256(served.body)).toBe(sha256(body));
    },
  );

  it('refuses one byte more with 400 invalid_object_name naming the limit', async () => {
    const response = await api.post('/api/v1/upload-url', {
      object_name: `limits/${'n'.repeat(limit + 1)}`,
      content_length: 1,
    });
    expect(response).toEqual({
      status: 400,
      json: {
        error: {
          code: 'invalid_object_name',
          message: `Each "/"-separated part of object_name must be at most ${limit} UTF-8 bytes on this store; one part is ${limit + 1}.`,
        },
      },
    });
  });
});
