import { randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { jest } from '@jest/globals';
import {
  PROBE_PREFIX,
  probeConditionalDeletes,
} from '../../lambdas/storage/conditional-deletes.js';
import { copySource, partCopySource } from '../../lambdas/storage/copy-source.js';
import { probePartCopySourceDecoding } from '../../lambdas/storage/part-copy-source-probe.js';
import { errorCode, httpStatus } from '../../lambdas/storage/s3-errors.js';
import type { TestRuntime } from '../helpers/local-runtime.js';
import { sha256 } from '../helpers/uploads.js';
import { describeEachStore, listKeys, listUploads, startStoreRuntime } from './stores.js';

jest.setTimeout(120_000);

/** The S3 error code and HTTP status a request fails with, or 'ok'. */
const outcome = async (request: Promise<unknown>): Promise<string> => {
  try {
    await request;
    return 'ok';
  } catch (error) {
    return `${httpStatus(error)} ${errorCode(error)}`;
  }
};

const exists = async (client: S3Client, bucket: string, key: string): Promise<boolean> =>
  (await outcome(client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))) === 'ok';

const bytesOf = async (client: S3Client, bucket: string, key: string): Promise<Buffer> => {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
};

/**
 * What each store does differently from AWS S3, pinned so that a store upgrade that changes
 * it fails here and docs/store-quirks.md gets updated with it.
 */
describeEachStore('store quirks', (store) => {
  let api: TestRuntime;
  let client: S3Client;
  let draftBucket: string;
  let mainBucket: string;
  let offsetMs = 0;
  const put = (key: string, body: string | Buffer) =>
    client.send(new PutObjectCommand({ Bucket: draftBucket, Key: key, Body: body }));

  beforeAll(async () => {
    api = await startStoreRuntime(
      store,
      { OBJECT_LIFETIME: '60' },
      { clock: () => new Date(Date.now() + offsetMs) },
    );
    client = api.services.client;
    ({ draft: draftBucket, main: mainBucket } = api.config.buckets);
  });
  afterAll(async () => {
    await api?.stop();
  });

  describe('copy-source decoding', () => {
    const key = 'auth0%7Cabc/50%41 off+é.bin';

    it('CopyObject decodes x-amz-copy-source once, as AWS does', async () => {
      await put(key, 'copied once');
      await client.send(
        new CopyObjectCommand({
          Bucket: mainBucket,
          Key: 'quirks/copied.bin',
          CopySource: copySource(draftBucket, key),
        }),
      );
      expect((await bytesOf(client, mainBucket, 'quirks/copied.bin')).toString()).toBe(
        'copied once',
      );
    });

    it(
      store === 'rgw'
        ? 'UploadPartCopy decodes it twice: encoded once it names another key (404), twice the right one'
        : 'UploadPartCopy is not implemented (the adapter falls back to one CopyObject)',
      async () => {
        await put(key, 'part source');
        const { UploadId } = await client.send(
          new CreateMultipartUploadCommand({ Bucket: mainBucket, Key: 'quirks/parts.bin' }),
        );
        const partCopy = (source: string) =>
          outcome(
            client.send(
              new UploadPartCopyCommand({
                Bucket: mainBucket,
                Key: 'quirks/parts.bin',
                UploadId,
                PartNumber: 1,
                CopySource: source,
              }),
            ),
          );
        const once = await partCopy(partCopySource(draftBucket, key, false));
        const twice = await partCopy(partCopySource(draftBucket, key, true));
        await outcome(
          client.send(
            new AbortMultipartUploadCommand({
              Bucket: mainBucket,
              Key: 'quirks/parts.bin',
              UploadId,
            }),
          ),
        );
        expect({ once, twice }).toEqual(
          store === 'rgw'
            ? { once: '404 NoSuchKey', twice: 'ok' }
            : { once: '501 NotImplemented', twice: '501 NotImplemented' },
        );
      },
    );
    it('is detected by the probe, without crashing the store, and the probe leaves nothing behind', async () => {
      expect(await probePartCopySourceDecoding(client, draftBucket)).toBe(store === 'rgw');
      const keys = [...(await listKeys(client, draftBucket)).keys()];
      expect(keys.filter((key) => key.startsWith(PROBE_PREFIX))).toEqual([]);
      if (store === 'rgw') expect(await listUploads(client, draftBucket)).toEqual([]);
    });
  });

  describe('conditional deletes', () => {
    it(
      store === 'rgw'
        ? 'DeleteObject ignores a wrong If-Match and deletes, without an error'
        : 'DeleteObject refuses a wrong If-Match (412) and keeps the object, as AWS does',
      async () => {
        await put('quirks/if-match.txt', 'v1');
        const answer = await outcome(
          client.send(
            new DeleteObjectCommand({
              Bucket: draftBucket,
              Key: 'quirks/if-match.txt',
              IfMatch: '"00000000000000000000000000000000"',
            }),
          ),
        );
        expect({
          answer,
          kept: await exists(client, draftBucket, 'quirks/if-match.txt'),
        }).toEqual(
          store === 'rgw'
            ? { answer: 'ok', kept: false }
            : { answer: '412 PreconditionFailed', kept: true },
        );
      },
    );

    it('is detected by the probe, which leaves nothing behind', async () => {
      expect(await probeConditionalDeletes(client, draftBucket)).toBe(store !== 'rgw');
      const keys = [...(await listKeys(client, draftBucket)).keys()];
      expect(keys.filter((key) => key.startsWith(PROBE_PREFIX))).toEqual([]);
    });

    it('a re-uploaded object is kept (conflict): the adapter compares ETags where the store does not', async () => {
      const first = await put('quirks/replaced.txt', 'v1');
      await put('quirks/replaced.txt', 'v2 re-uploaded');
      await expect(
        api.services.store.delete(draftBucket, 'quirks/replaced.txt', { ifMatch: first.ETag! }),
      ).rejects.toMatchObject({ code: 'conflict' });
      expect((await bytesOf(client, draftBucket, 'quirks/replaced.txt')).toString()).toBe(
        'v2 re-uploaded',
      );
    });

    it('DeleteObjects ignores the per-key ETag and deletes anyway', async () => {
      await put('quirks/batch.txt', 'v1');
      const out = await client.send(
        new DeleteObjectsCommand({
          Bucket: draftBucket,
          Delete: {
            Objects: [{ Key: 'quirks/batch.txt', ETag: '"00000000000000000000000000000000"' }],
          },
        }),
      );
      expect(out.Errors ?? []).toEqual([]);
      expect(await exists(client, draftBucket, 'quirks/batch.txt')).toBe(false);
    });
  });

  describe('copy preconditions', () => {
    it(
      store === 'rgw'
        ? 'CopyObject ignores a wrong CopySourceIfMatch and copies'
        : 'CopyObject refuses a wrong CopySourceIfMatch (412) and copies nothing, as AWS does',
      async () => {
        await put('quirks/copy-if-match.txt', 'v1');
        const answer = await outcome(
          client.send(
            new CopyObjectCommand({
              Bucket: mainBucket,
              Key: 'quirks/copy-if-match.txt',
              CopySource: copySource(draftBucket, 'quirks/copy-if-match.txt'),
              CopySourceIfMatch: '"00000000000000000000000000000000"',
            }),
          ),
        );
        expect({
          answer,
          copied: await exists(client, mainBucket, 'quirks/copy-if-match.txt'),
        }).toEqual(
          store === 'rgw'
            ? { answer: 'ok', copied: true }
            : { answer: '412 PreconditionFailed', copied: false },
        );
      },
    );
  });

  describe('checksums', () => {
    it('a PutObject with a wrong x-amz-checksum-sha256 is stored anyway', async () => {
      const answer = await outcome(
        client.send(
          new PutObjectCommand({
            Bucket: draftBucket,
            Key: 'quirks/checksum.txt',
            Body: 'hello',
            ChecksumSHA256: Buffer.alloc(32).toString('base64'),
          }),
        ),
      );
      expect(answer).toBe('ok');
      expect((await bytesOf(client, draftBucket, 'quirks/checksum.txt')).toString()).toBe('hello');
    });
  });

  describe('a repeated CompleteMultipartUpload', () => {
    it(
      store === 'rgw'
        ? 'is answered 200 while the object is there, and 500 InternalError once it is gone'
        : 'is NoSuchUpload (404) whether or not the object is there',
      async () => {
        const key = 'quirks/completed-twice.bin';
        const { UploadId } = await client.send(
          new CreateMultipartUploadCommand({ Bucket: draftBucket, Key: key }),
        );
        const { ETag } = await client.send(
          new UploadPartCommand({
            Bucket: draftBucket,
            Key: key,
            UploadId,
            PartNumber: 1,
            Body: 'one part',
          }),
        );
        const complete = () =>
          outcome(
            client.send(
              new CompleteMultipartUploadCommand({
                Bucket: draftBucket,
                Key: key,
                UploadId,
                MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] },
              }),
            ),
          );
        const first = await complete();
        const again = await complete();
        await client.send(new DeleteObjectCommand({ Bucket: draftBucket, Key: key }));
        const afterDelete = await complete();
        // RGW's 500 ("This multipart completion is already in progress") never clears, so
        // the service checks the upload's marker on it as on NoSuchUpload.
        expect({ first, again, afterDelete }).toEqual(
          store === 'rgw'
            ? { first: 'ok', again: 'ok', afterDelete: '500 InternalError' }
            : { first: 'ok', again: '404 NoSuchUpload', afterDelete: '404 NoSuchUpload' },
        );
      },
    );
  });

  describe('races with a re-upload', () => {
    it('confirm keeps a draft re-uploaded between its copy and its delete (defect 4)', async () => {
      const name = 'race/confirm.bin';
      const key = `anonymous/${name}`;
      const original = randomBytes(2048);
      const reupload = randomBytes(2048);
      await put(key, original);
      // The re-upload lands right after confirm's copy answered.
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const result = await next(args);
          if (context.commandName === 'CopyObjectCommand') await put(key, reupload);
          return result;
        },
        { step: 'initialize', name: 'reuploadAfterCopy' },
      );
      let answer: Awaited<ReturnType<TestRuntime['post']>>;
      try {
        answer = await api.post('/api/v1/confirm-upload', { object_name: name });
      } finally {
        client.middlewareStack.remove('reuploadAfterCopy');
      }
      expect(answer.status).toBe(200);
      expect(sha256(await bytesOf(client, mainBucket, key))).toBe(sha256(original));
      expect(sha256(await bytesOf(client, draftBucket, key))).toBe(sha256(reupload));
    });

    it('the sweep deletes a draft re-uploaded between its listing and DeleteObjects: the documented window (defect 3)', async () => {
      const key = 'anonymous/sweep-race/draft.bin';
      await put(key, 'expired draft');
      offsetMs = 120_000;
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'DeleteObjectsCommand') await put(key, 'fresh re-upload');
          return next(args);
        },
        { step: 'initialize', name: 'reuploadBeforeBatchDelete' },
      );
      try {
        const summary = await api.services.cleaner.sweep({ prefix: 'anonymous/sweep-race/' });
        expect(summary).toMatchObject({ deleted: 1, replaced: 0, failed: 0 });
      } finally {
        client.middlewareStack.remove('reuploadBeforeBatchDelete');
        offsetMs = 0;
      }
      // AWS would keep it (PreconditionFailed on the listed ETag); these stores do not.
      expect(await exists(client, draftBucket, key)).toBe(false);
    });
  });
});
