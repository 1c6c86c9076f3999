import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import { jest } from '@jest/globals';
import { DraftStoreClient, type RetryWait } from '../../client/src/index.js';
import { startCli } from '../helpers/cli.js';
import { SAMPLES } from '../helpers/content-samples.js';
import type { TestRuntime } from '../helpers/local-runtime.js';
import { describeRgw, startStoreRuntime } from './stores.js';

// MALWARE_SCAN=guardduty on Ceph RGW, the test playing GuardDuty (as confirm-guardduty.test.ts):
// the SDK and the CLI wait out `scan_pending` (409, Retry-After: 5) and confirm once the tag says
// NO_THREATS_FOUND, or report the refusal it turns into.

jest.setTimeout(120_000);

describeRgw('the SDK and the CLI wait for the malware verdict', () => {
  let api: TestRuntime;
  let folder: string;

  beforeAll(async () => {
    api = await startStoreRuntime('rgw', { MALWARE_SCAN: 'guardduty' });
    folder = await mkdtemp(join(tmpdir(), 'draftstore-scan-wait-'));
  });
  afterAll(async () => {
    await api?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  const scanned = (name: string, status: string) =>
    api.services.client.send(
      new PutObjectTaggingCommand({
        Bucket: api.config.buckets.draft,
        Key: `anonymous/${name}`,
        Tagging: { TagSet: [{ Key: 'GuardDutyMalwareScanStatus', Value: status }] },
      }),
    );

  it('upload --confirm shows the wait, then confirms when GuardDuty tags the draft clean', async () => {
    const file = join(folder, 'report.txt');
    await writeFile(file, SAMPLES.text);
    const cli = startCli(['upload', file, '--confirm'], {
      DRAFTSTORE_API_URL: api.apiUrl,
      DRAFTSTORE_CACHE_DIR: join(folder, 'cache'),
    });
    await cli.waitForStderr(/the malware scan of the draft is not done yet: waiting 5 s/);
    await scanned('report.txt', 'NO_THREATS_FOUND');
    const run = await cli.done;
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/, confirmed as [\w-]+\/anonymous\/report\.txt\n$/);
  });

  it('ds.confirm reports each wait and then the refusal a THREATS_FOUND verdict is', async () => {
    const ticket = await api.post('/api/v1/upload-url', {
      object_name: 'evil.txt',
      content_type: 'text/plain',
      content_length: SAMPLES.text.length,
    });
    const put = await fetch(ticket.json.upload_url, {
      method: 'PUT',
      headers: ticket.json.headers,
      body: SAMPLES.text,
    });
    expect(put.status).toBe(200);
    const waits: RetryWait[] = [];
    const ds = new DraftStoreClient({
      baseUrl: api.apiUrl,
      retry: {
        onWait: (wait) => {
          waits.push(wait);
          if (waits.length === 1) void scanned('evil.txt', 'THREATS_FOUND');
        },
      },
    });
    await expect(ds.confirm('evil.txt')).rejects.toMatchObject({
      status: 422,
      code: 'content_rejected',
      reason: 'malware_detected',
    });
    expect(waits).toEqual([
      { code: 'scan_pending', status: 409, delayMs: 5000, retryAfter: true, attempt: 0 },
    ]);
  });
});
