import { logger } from '../../lambdas/observability/logger.js';
import { bearerFor, startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { putPresigned } from '../helpers/uploads.js';

const SIZE = 100;

/**
 * One quota of two objects, hit on every surface: REST, the original routes and draft.v1
 * (Connect JSON), and the usage it leaves, read over REST and GetUsage.
 */
describe('quotas on every surface', () => {
  let api: TestRuntime;
  const headers = bearerFor('surfaces');

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    api = await startTestRuntime({ QUOTA_OBJECTS: '2', CLEANUP_INTERVAL: '0' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  const upload = async (name: string) => {
    const ticket = await api.post(
      '/api/v1/upload-url',
      { object_name: name, content_length: SIZE },
      headers,
    );
    expect(ticket.status).toBe(200);
    const put = await putPresigned(
      ticket.json.upload_url,
      new Uint8Array(SIZE),
      ticket.json.headers,
    );
    expect(put.status).toBe(200);
  };
  const rpc = (method: string, body: object) =>
    fetch(`${api.apiUrl}/draft.v1.DraftService/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('refuses the confirm past the quota with each surface’s own shape, and counts only what fit', async () => {
    // Prepare: three drafts while nothing is confirmed, so none is refused early.
    for (const name of ['a.bin', 'b.bin', 'c.bin', 'd.bin']) await upload(name);

    // Act
    const rest = await api.post('/api/v1/confirm-upload', { object_name: 'a.bin' }, headers);
    const original = await api.post('/api/v1/draft/confirm', { object_name: 'b.bin' }, headers);
    const overRest = await api.post('/api/v1/confirm-upload', { object_name: 'c.bin' }, headers);
    const overOriginal = await api.post('/api/v1/draft/confirm', { object_name: 'c.bin' }, headers);
    const overRpc = await rpc('ConfirmUpload', { objectName: 'd.bin' });
    const early = await api.post(
      '/api/v1/upload-url',
      { object_name: 'e.bin', content_length: 1 },
      headers,
    );

    // Assess
    expect([rest.status, original.status]).toEqual([200, 200]);
    expect(overRest).toEqual({
      status: 413,
      json: { error: { code: 'quota_exceeded', message: expect.any(String) } },
    });
    expect(overOriginal).toEqual({
      status: 413,
      json: { result: { error_message: expect.any(String), error_type: 5 } },
    });
    expect(overRpc.status).toBe(429); // Connect's status for RESOURCE_EXHAUSTED
    expect(((await overRpc.json()) as { code: string }).code).toBe('resource_exhausted');
    expect([early.status, early.json.error.code]).toEqual([413, 'quota_exceeded']);

    const usage = await api.post('/api/v1/usage', {}, headers);
    expect(usage.json).toEqual({
      bytes: 2 * SIZE,
      objects: 2,
      quota: { bytes: null, objects: 2 },
    });
    const overRpcUsage = await rpc('GetUsage', {});
    expect(await overRpcUsage.json()).toEqual({
      result: { success: true },
      bytes: String(2 * SIZE),
      objects: '2',
      quotaObjects: '2',
    });
    expect(await api.services.accounts.measure('surfaces')).toEqual({
      bytes: 2 * SIZE,
      objects: 2,
    });
  });
});
