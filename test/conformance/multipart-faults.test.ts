import { randomBytes } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { jest } from '@jest/globals';
import { DraftStoreClient } from '../../client/src/index.js';
import { memoryResumeStore } from '../../client/src/resume-store.js';
import { sha256 } from '../helpers/uploads.js';
import { useFaultyRgw } from './faulty-rgw.js';
import { describeRgw, listKeys, listUploads } from './stores.js';

jest.setTimeout(600_000);

const MIB = 1024 ** 2;
/** Replay a run with FAULT_SEED=<the seed it printed>. */
const SEED = Number(process.env.FAULT_SEED ?? 20_261_202) + 1;
/** A harsher run: FAULT_RATE=0.45 (the SDK then meets lost create and complete answers). */
const FAULT_RATE = Number(process.env.FAULT_RATE ?? 0.2);
const HOUR_MS = 3_600_000;

/**
 * The whole multipart path under faults: the SDK uploads and confirms through the API,
 * and every S3 request (the server's create, list, complete, head, copy and delete, and
 * the SDK's part PUTs to their presigned URLs) passes a proxy that fails about 20 % of them
 * (500, 503 SlowDown, connection reset, or applied with the reply dropped). A reply dropped
 * after CompleteMultipartUpload or a part PUT was applied is the case that matters: the
 * retry meets an upload that is already done.
 */
describeRgw('SDK multipart uploads through a fault-injecting proxy', () => {
  const rgw = useFaultyRgw({ seed: SEED, rate: FAULT_RATE });

  it('confirms every file intact in main, leaves no draft, and a sweep leaves no upload', async () => {
    const { proxy, api, direct } = rgw;
    const files = Array.from({ length: 4 }, (_, index) => {
      const bytes = randomBytes(11 * MIB + index * 4099);
      return { name: `faults/multipart ${index} 50%.bin`, bytes, sha256: sha256(bytes) };
    });
    const client = new DraftStoreClient({
      baseUrl: api.apiUrl,
      multipartThreshold: 5 * MIB,
      resumeStore: memoryResumeStore(),
      retry: { retries: 10, baseDelayMs: 20, maxDelayMs: 500 },
    });

    proxy.enabled = true;
    const results = await Promise.all(
      files.map((file) =>
        client.upload(new Blob([file.bytes]), {
          objectName: file.name,
          contentType: 'application/octet-stream',
          partSize: 5 * MIB,
          concurrency: 2,
          confirm: true,
        }),
      ),
    );
    // Uploads whose CreateMultipartUpload reply was lost stay behind until the sweep.
    rgw.advanceClock(2 * HOUR_MS);
    const summary = await api.services.cleaner.sweep();
    proxy.enabled = false;

    const { injected, summary: faults } = rgw.faults();
    process.stdout.write(
      `[multipart faults] seed=${SEED} rate=${FAULT_RATE} ${faults}; puts=${results.map((result) => result.puts).join(',')}; ` +
        `sweep=${JSON.stringify(summary)}\n`,
    );

    expect(injected).toBeGreaterThan(0);
    for (const [index, result] of results.entries()) {
      expect(result).toMatchObject({
        object_name: files[index]!.name,
        multipart: true,
        part_count: 3,
        confirmed: { size: files[index]!.bytes.length },
      });
    }
    const { draft: draftBucket, main: mainBucket } = api.config.buckets;
    const mainKeys = [...(await listKeys(direct, mainBucket)).keys()].sort();
    expect(mainKeys).toEqual(files.map((file) => `anonymous/${file.name}`).sort());
    for (const file of files) {
      const object = await direct.send(
        new GetObjectCommand({ Bucket: mainBucket, Key: `anonymous/${file.name}` }),
      );
      const stored = Buffer.from(await object.Body!.transformToByteArray());
      expect({ name: file.name, sha256: sha256(stored) }).toEqual({
        name: file.name,
        sha256: file.sha256,
      });
    }
    expect([...(await listKeys(direct, draftBucket)).keys()]).toEqual([]);
    expect(summary).toMatchObject({ failed: 0, uploadListingFailures: 0, complete: true });
    expect(await listUploads(direct, draftBucket)).toEqual([]);
    expect(await listUploads(direct, mainBucket)).toEqual([]);
  });
});
