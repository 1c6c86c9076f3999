import { logger } from '../../lambdas/observability/logger.js';
import { startTestUsageTable, type TestUsageTable } from '../helpers/dynalite.js';
import { bearerFor, startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { putPresigned } from '../helpers/uploads.js';

/** A usage table that stops answering: confirm fails as 503 and nothing reaches main. */
describe('confirm with the usage table down', () => {
  let table: TestUsageTable;
  let api: TestRuntime;
  const headers = bearerFor('ledger-down');

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    table = await startTestUsageTable();
    api = await startTestRuntime({ ...table.env, QUOTA_BYTES: '1000000', CLEANUP_INTERVAL: '0' });
  });
  afterAll(async () => {
    await api?.stop();
    await table?.close();
  });

  it('answers 503 storage_unavailable on every surface and copies nothing to main', async () => {
    // Prepare
    const ticket = await api.post(
      '/api/v1/upload-url',
      { object_name: 'kept.bin', content_length: 10 },
      headers,
    );
    expect(ticket.status).toBe(200);
    const put = await putPresigned(ticket.json.upload_url, new Uint8Array(10), ticket.json.headers);
    expect(put.status).toBe(200);
    await table.close();

    // Act
    const rest = await api.post('/api/v1/confirm-upload', { object_name: 'kept.bin' }, headers);
    const original = await api.post('/api/v1/draft/confirm', { object_name: 'kept.bin' }, headers);
    const rpc = await fetch(`${api.apiUrl}/draft.v1.DraftService/ConfirmUpload`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ objectName: 'kept.bin' }),
    });
    const usage = await api.post('/api/v1/usage', {}, headers);

    // Assess
    expect([rest.status, rest.json.error.code]).toEqual([503, 'storage_unavailable']);
    expect(original.status).toBe(503);
    expect(rpc.status).toBe(503);
    expect(((await rpc.json()) as { code: string }).code).toBe('unavailable');
    expect(usage.status).toBe(503);
    expect(await api.services.accounts.measure('ledger-down')).toEqual({ bytes: 0, objects: 0 });
    const draft = await api.post(
      '/api/v1/object-info',
      { object_name: 'kept.bin', stage: 'draft' },
      headers,
    );
    expect(draft.status).toBe(200);
  });
});
