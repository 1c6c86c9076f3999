import { jest } from '@jest/globals';
import type { TestRuntime } from '../helpers/local-runtime.js';
import { startRgw, stopRgw, type RgwInstance } from './global-setup.js';
import { describeRgw, startRgwRuntime } from './stores.js';

jest.setTimeout(150_000);

// Its own RGW instance (own state directory and ports), so stopping it mid-test
// cannot disturb the shared one the other files use.
describeRgw('a store that goes down', () => {
  let rgw: RgwInstance | undefined;
  let api: TestRuntime;

  beforeAll(async () => {
    rgw = await startRgw();
    api = await startRgwRuntime(rgw);
  });
  afterAll(async () => {
    await api?.stop();
    if (rgw) await stopRgw(rgw.directory);
  });

  it('turns health to 503 and storage errors to 503 storage_unavailable, without crashing', async () => {
    const before = await fetch(`${api.apiUrl}/health`);
    expect(before.status).toBe(200);

    await stopRgw(rgw!.directory);
    rgw = undefined;

    const health = await fetch(`${api.apiUrl}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({
      status: 'unavailable',
      buckets: { draft: 'unavailable', main: 'unavailable' },
    });

    const confirm = await api.post('/api/v1/confirm-upload', { object_name: 'a.txt' });
    expect(confirm.status).toBe(503);
    expect(confirm.json.error.code).toBe('storage_unavailable');

    // Signing needs no store: the API keeps answering what it can.
    const upload = await api.post('/api/v1/upload-url', { object_name: 'a.txt' });
    expect(upload.status).toBe(200);

    const again = await fetch(`${api.apiUrl}/health`);
    expect(again.status).toBe(503);
  });
});
