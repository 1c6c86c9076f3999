import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../lambdas/config.js';
import type { SweepSummary } from '../../lambdas/core/cleaner.js';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime.js';
import { draftKeys, putObjects } from '../helpers/seed-objects.js';

const LIFETIME_SECONDS = 3600;
const BODY = new Uint8Array(Buffer.from('draft bytes'));

/** Every key in the bucket, listed page by page. */
const listAll = async (client: S3Client, bucket: string) => {
  const objects: { key: string; lastModified: Date }[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    for (const entry of page.Contents ?? []) {
      objects.push({ key: entry.Key!, lastModified: entry.LastModified! });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return objects;
};

describe('the cleanup sweep on the embedded store', () => {
  let runtime: LocalRuntime;
  let dataDirectory: string;
  let now = Date.now();

  beforeAll(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), 'draftstore-cleanup-'));
    const config = loadConfig({
      STORAGE_TYPE: 'minio',
      MINIO_ENDPOINT: '127.0.0.1:0',
      HTTP_PORT: '0',
      GRPC_PORT: '0',
      OBJECT_LIFETIME: String(LIFETIME_SECONDS),
      CLEANUP_INTERVAL: '0',
    });
    runtime = await startLocalRuntime({
      config,
      embeddedStore: true,
      dataDirectory,
      clock: () => new Date(now),
    });
  });

  afterAll(async () => {
    await runtime?.stop();
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it('deletes 2000 expired drafts in a few requests, keeps 1000 fresh ones and leaves main alone', async () => {
    // prepare
    const { client, cleaner } = runtime.services;
    const { draft, main } = runtime.config.buckets;
    const old = draftKeys(2000, 'old');
    await putObjects(client, draft, old, BODY);
    await putObjects(client, main, [old[0]!], BODY);
    // The embedded store keeps whole-second LastModified: start the fresh drafts in a later second.
    const boundary = Math.ceil((Date.now() + 1) / 1000) * 1000;
    await new Promise((resolve) => setTimeout(resolve, boundary + 50 - Date.now()));
    const fresh = draftKeys(1000, 'fresh');
    await putObjects(client, draft, fresh, BODY);
    const listed = await listAll(client, draft);
    expect(listed.filter((entry) => entry.lastModified.getTime() < boundary)).toHaveLength(2000);
    now = boundary + LIFETIME_SECONDS * 1000;
    let requests = 0;
    client.middlewareStack.add(
      (next) => (args) => {
        requests += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countCleanupRequests' },
    );

    // act
    let summary: SweepSummary;
    try {
      summary = await cleaner.sweep({ concurrency: 4 });
    } finally {
      client.middlewareStack.remove('countCleanupRequests');
    }

    // assess
    expect(summary).toMatchObject({
      scanned: 3000,
      expired: 2000,
      deleted: 2000,
      failed: 0,
      abortedUploads: 0,
      bytesFreed: 2000 * BODY.length,
      complete: true,
    });
    // 2 upload listings, draft and main (unsupported here) + 3 object pages + 3 delete
    // batches: each page's expired drafts are deleted before the next page is listed.
    expect(requests).toBe(8);
    const left = (await listAll(client, draft)).map((entry) => entry.key).sort();
    expect(left).toEqual([...fresh].sort());
    await expect(
      client.send(new HeadObjectCommand({ Bucket: main, Key: old[0]! })),
    ).resolves.toMatchObject({ ContentLength: BODY.length });
  }, 60_000);

  it('sweeps one owner in a dry run without deleting, then for real', async () => {
    // prepare
    const { client, cleaner } = runtime.services;
    const { draft } = runtime.config.buckets;
    const mine = ['carol/one.txt', 'carol/two.txt'];
    await putObjects(client, draft, [...mine, 'carola/other.txt'], BODY);
    now = Date.now() + LIFETIME_SECONDS * 1000 + 2000;

    // act
    const dry = await cleaner.sweep({ prefix: 'carol', dryRun: true });
    const afterDryRun = (await listAll(client, draft)).length;
    const real = await cleaner.sweep({ prefix: 'carol/' });

    // assess
    expect(dry).toMatchObject({ scanned: 2, expired: 2, deleted: 0, dryRun: true });
    expect(afterDryRun).toBe(1000 + 3);
    expect(real).toMatchObject({ scanned: 2, expired: 2, deleted: 2, complete: true });
    const keys = (await listAll(client, draft)).map((entry) => entry.key);
    expect(keys).toContain('carola/other.txt');
    expect(keys.filter((key) => key.startsWith('carol/'))).toEqual([]);
  }, 30_000);
});
