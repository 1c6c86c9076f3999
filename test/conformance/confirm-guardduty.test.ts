import { GetObjectTaggingCommand, PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import { jest } from '@jest/globals';
import { logger } from '../../lambdas/observability/logger.js';
import { SAMPLES } from '../helpers/content-samples.js';
import type { TestRuntime } from '../helpers/local-runtime.js';
import { describeRgw, putWith, startStoreRuntime } from './stores.js';

// MALWARE_SCAN=guardduty, simulated on Ceph RGW: the test tags each draft the way GuardDuty
// Malware Protection for S3 does (GuardDutyMalwareScanStatus). Not on the embedded store:
// s3rver keeps an object's tags across a re-upload (docs/store-quirks.md), where S3 and RGW
// replace them, and GuardDuty's tag carries no ETag to tell.

jest.setTimeout(120_000);

describeRgw("confirm reads GuardDuty's verdict from the draft's tag", () => {
  let api: TestRuntime;

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    api = await startStoreRuntime('rgw', {
      MALWARE_SCAN: 'guardduty',
      GUARDDUTY_PASS_STATUSES: 'UNSUPPORTED',
    });
  });
  afterAll(async () => {
    await api?.stop();
  });

  const put = async (name: string, body: Buffer = SAMPLES.text) => {
    const ticket = await api.post('/api/v1/upload-url', {
      object_name: name,
      content_type: 'text/plain',
      content_length: body.length,
    });
    expect((await putWith(ticket.json.upload_url, ticket.json.headers, body)).status).toBe(200);
  };
  const scanned = (name: string, status: string) =>
    api.services.client.send(
      new PutObjectTaggingCommand({
        Bucket: api.config.buckets.draft,
        Key: `anonymous/${name}`,
        Tagging: { TagSet: [{ Key: 'GuardDutyMalwareScanStatus', Value: status }] },
      }),
    );
  const confirm = (name: string) => api.post('/api/v1/confirm-upload', { object_name: name });

  it('answers scan_pending with Retry-After before the verdict, and confirms on NO_THREATS_FOUND', async () => {
    await put('report.txt');
    const pending = await fetch(`${api.apiUrl}/api/v1/confirm-upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ object_name: 'report.txt' }),
    });
    expect(pending.status).toBe(409);
    expect(pending.headers.get('retry-after')).toBe('5');
    expect(((await pending.json()) as { error: { code: string } }).error.code).toBe('scan_pending');
    await scanned('report.txt', 'NO_THREATS_FOUND');
    expect((await confirm('report.txt')).status).toBe(200);
    // The verdict is the draft's: the confirmed object starts without the draft's tags.
    const tags = await api.services.client.send(
      new GetObjectTaggingCommand({ Bucket: api.config.buckets.main, Key: 'anonymous/report.txt' }),
    );
    expect(tags.TagSet ?? []).toEqual([]);
  });

  it('refuses THREATS_FOUND as malware_detected; a re-upload is pending again (the tag went with the old bytes)', async () => {
    await put('evil.txt');
    await scanned('evil.txt', 'THREATS_FOUND');
    expect((await confirm('evil.txt')).json.error).toMatchObject({
      code: 'content_rejected',
      reason: 'malware_detected',
    });
    await put('evil.txt', Buffer.from('other bytes\n'));
    expect((await confirm('evil.txt')).json.error.code).toBe('scan_pending');
  });

  it('refuses FAILED and ACCESS_DENIED as scan_failed, and passes UNSUPPORTED as configured', async () => {
    for (const status of ['FAILED', 'ACCESS_DENIED']) {
      await put(`${status}.txt`);
      await scanned(`${status}.txt`, status);
      expect((await confirm(`${status}.txt`)).json.error).toMatchObject({ reason: 'scan_failed' });
    }
    await put('odd.txt');
    await scanned('odd.txt', 'UNSUPPORTED');
    expect((await confirm('odd.txt')).status).toBe(200);
  });
});
