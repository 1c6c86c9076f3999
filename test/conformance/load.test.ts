import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { bearerFor, type TestRuntime } from '../helpers/local-runtime.js';
import { putPresigned, sha256 } from '../helpers/uploads.js';
import { describeRgw, listKeys, startStoreRuntime } from './stores.js';

jest.setTimeout(600_000);

const FLOWS = 200;
const STEPS = ['upload-url', 'put', 'preview', 'confirm', 'download'] as const;
type Step = (typeof STEPS)[number];

const percentile = (sorted: readonly number[], share: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] ?? NaN;

/**
 * R3: 200 full flows at once against Ceph RGW, through the local runtime over real HTTP,
 * each one comparing the bytes it downloads with those it uploaded. Timings are printed,
 * never asserted (performance belongs to `npm run bench`).
 */
describeRgw('200 concurrent full flows', () => {
  let api: TestRuntime;

  beforeAll(async () => {
    api = await startStoreRuntime('rgw');
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('completes every flow with identical bytes: 0 errors, 0 lost', async () => {
    const timings: Record<Step, number[]> = {
      'upload-url': [],
      put: [],
      preview: [],
      confirm: [],
      download: [],
    };
    const errors: string[] = [];
    const timed = async <T>(step: Step, work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      try {
        return await work();
      } finally {
        timings[step].push(performance.now() - started);
      }
    };
    const fetchBytes = async (url: string): Promise<Buffer> => {
      const response = await fetch(url);
      if (response.status !== 200) throw new Error(`GET answered ${response.status}`);
      return Buffer.from(await response.arrayBuffer());
    };

    const flow = async (index: number): Promise<{ key: string; sha256: string }> => {
      const owner = `user|${index % 20}`;
      const headers = bearerFor(owner);
      const name = `load/${index} 50%41 é.bin`;
      const body = randomBytes(16 * 1024 + index);
      const step = async (label: Step, path: string, request: object) => {
        const answer = await timed(label, () => api.post(path, request, headers));
        if (answer.status !== 200) {
          throw new Error(`${label} answered ${answer.status} ${JSON.stringify(answer.json)}`);
        }
        return answer.json;
      };

      const ticket = await step('upload-url', '/api/v1/upload-url', {
        object_name: name,
        content_type: 'application/octet-stream',
        content_length: body.length,
      });
      const put = await timed('put', () => putPresigned(ticket.upload_url, body, ticket.headers));
      if (put.status !== 200) throw new Error(`PUT answered ${put.status}`);
      const preview = await timed('preview', async () => {
        const answer = await api.post('/api/v1/download-url', { object_name: name }, headers);
        if (answer.status !== 200) throw new Error(`preview answered ${answer.status}`);
        return fetchBytes(answer.json.download_url);
      });
      if (sha256(preview) !== sha256(body)) throw new Error(`preview of ${name} differs`);
      await step('confirm', '/api/v1/confirm-upload', { object_name: name });
      const downloaded = await timed('download', async () => {
        const answer = await api.post(
          '/api/v1/download-url',
          { object_name: name, stage: 'main' },
          headers,
        );
        if (answer.status !== 200) throw new Error(`download-url answered ${answer.status}`);
        return fetchBytes(answer.json.download_url);
      });
      if (sha256(downloaded) !== sha256(body)) throw new Error(`download of ${name} differs`);
      return { key: `${encodeURIComponent(owner)}/${name}`, sha256: sha256(body) };
    };

    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: FLOWS }, (_, i) => flow(i)));
    const wallMs = performance.now() - started;
    for (const result of results) {
      if (result.status === 'rejected') errors.push(String(result.reason));
    }

    const { draft: draftBucket, main: mainBucket } = api.config.buckets;
    const mainKeys = await listKeys(api.services.client, mainBucket);
    const draftKeys = await listKeys(api.services.client, draftBucket);
    const completed = results.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value.key] : [],
    );
    const lost = completed.filter((key) => !mainKeys.has(key));
    const lines = STEPS.map((name) => {
      const sorted = [...timings[name]].sort((a, b) => a - b);
      return `${name} p50=${percentile(sorted, 0.5).toFixed(0)}ms p99=${percentile(sorted, 0.99).toFixed(0)}ms`;
    });
    process.stdout.write(
      `[load] ${FLOWS} concurrent flows on Ceph RGW in ${(wallMs / 1000).toFixed(1)} s: ` +
        `errors=${errors.length} lost=${lost.length}; ${lines.join('; ')}\n`,
    );

    expect(errors).toEqual([]);
    expect(lost).toEqual([]);
    expect(mainKeys.size).toBe(FLOWS);
    expect(draftKeys.size).toBe(0);
  });
});
