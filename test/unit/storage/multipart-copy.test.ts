import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  S3Client,
  UploadPartCopyCommand,
  type UploadPartCopyCommandInput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { CONFIRMED_FROM_METADATA } from '../../../lambdas/core/confirmation-marker.js';
import { DraftService } from '../../../lambdas/core/draft-service.js';
import { DraftError } from '../../../lambdas/core/errors.js';
import type { CopyRequest } from '../../../lambdas/core/object-store.js';
import {
  MAX_PART_BYTES,
  MAX_PART_COUNT as MAX_PARTS,
  MIN_PART_BYTES,
} from '../../../lambdas/core/s3-limits.js';
import { S3ObjectStore } from '../../../lambdas/storage/s3-object-store.js';
import {
  DEFAULT_MULTIPART_COPY,
  partRanges,
  partSizeFor,
} from '../../../lambdas/storage/s3-part-copy.js';
import { FakeObjectStore } from '../../helpers/fake-object-store.js';
import { draftFailure, s3Error } from '../../helpers/s3-faults.js';

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

describe('partRanges', () => {
  it('splits an exact multiple into equal parts numbered from 1', () => {
    expect(partRanges(30, 10)).toEqual([
      { partNumber: 1, first: 0, last: 9 },
      { partNumber: 2, first: 10, last: 19 },
      { partNumber: 3, first: 20, last: 29 },
    ]);
  });

  it('ends with a short last part', () => {
    expect(partRanges(12 * MIB, 5 * MIB)).toEqual([
      { partNumber: 1, first: 0, last: 5 * MIB - 1 },
      { partNumber: 2, first: 5 * MIB, last: 10 * MIB - 1 },
      { partNumber: 3, first: 10 * MIB, last: 12 * MIB - 1 },
    ]);
  });

  it('makes one part of an object smaller than a part, and of one byte', () => {
    expect(partRanges(7, 10)).toEqual([{ partNumber: 1, first: 0, last: 6 }]);
    expect(partRanges(1, 10)).toEqual([{ partNumber: 1, first: 0, last: 0 }]);
  });

  it('covers every byte once, without gaps or overlaps, for a 5 GiB object', () => {
    const size = 5 * GIB;
    const ranges = partRanges(size, 64 * MIB);
    expect(ranges).toHaveLength(80);
    ranges.forEach((range, index) => {
      expect(range.partNumber).toBe(index + 1);
      expect(range.first).toBe(index === 0 ? 0 : ranges[index - 1]!.last + 1);
    });
    expect(ranges.at(-1)!.last).toBe(size - 1);
  });

  it.each([
    [0, 10],
    [-1, 10],
    [1.5, 10],
    [10, 0],
    [10, Number.NaN],
  ])('refuses size %p with part size %p', (size, partSize) => {
    expect(() => partRanges(size, partSize)).toThrow(RangeError);
  });
});

describe('partSizeFor', () => {
  it('keeps the preferred size within S3 limits', () => {
    expect(partSizeFor(100 * MIB, 64 * MIB)).toBe(64 * MIB);
    expect(partSizeFor(100 * MIB, 1 * MIB)).toBe(MIN_PART_BYTES);
    expect(partSizeFor(100 * MIB, 6 * GIB)).toBe(MAX_PART_BYTES);
  });

  it('grows the part size so that no object needs more than 10,000 parts', () => {
    const size = 100 * GIB;
    const partSize = partSizeFor(size, MIN_PART_BYTES);
    expect(partSize).toBeGreaterThan(MIN_PART_BYTES);
    expect(partRanges(size, partSize).length).toBeLessThanOrEqual(MAX_PARTS);
  });
});

describe('S3ObjectStore.copy in parts', () => {
  const s3 = mockClient(S3Client);
  const request: CopyRequest = {
    sourceBucket: 'drafts',
    sourceKey: 'alice/big file+1.bin',
    sourceIfMatch: '"draft-etag"',
    targetBucket: 'main',
    targetKey: 'alice/big file+1.bin',
    contentType: 'video/mp4',
    metadata: { origin: 'camera', [CONFIRMED_FROM_METADATA]: 'draft-etag' },
    size: 12 * MIB,
  };
  const small = { multipartThreshold: 5 * MIB, partSize: 5 * MIB, partConcurrency: 2 };
  const store = (options = small) =>
    new S3ObjectStore(new S3Client({ region: 'us-east-1' }), undefined, options);

  const partsSucceed = () =>
    s3.on(UploadPartCopyCommand).callsFake(async (input: UploadPartCopyCommandInput) => ({
      CopyPartResult: { ETag: `"part-${input.PartNumber}"` },
    }));

  beforeEach(() => {
    s3.reset();
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'upload-1' });
    s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '"md5s-3"' });
    s3.on(AbortMultipartUploadCommand).resolves({});
  });

  it('copies at or below the threshold, or without a size, with one CopyObject', async () => {
    // prepare
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"whole"' } });

    // act
    const atThreshold = await store().copy({ ...request, size: 5 * MIB });
    const sizeless = await store().copy({ ...request, size: undefined });

    // assess
    expect(atThreshold).toEqual({ etag: '"whole"' });
    expect(sizeless).toEqual({ etag: '"whole"' });
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(2);
    expect(s3.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
  });

  it('defaults to 64 MiB: a 64 MiB draft is one CopyObject, a byte more is copied in parts', async () => {
    // prepare
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"whole"' } });
    partsSucceed();
    const defaults = new S3ObjectStore(new S3Client({ region: 'us-east-1' }));

    // act
    await defaults.copy({ ...request, size: 64 * MIB });
    await defaults.copy({ ...request, size: 64 * MIB + 1 });

    // assess
    expect(DEFAULT_MULTIPART_COPY.multipartThreshold).toBe(64 * MIB);
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(1);
    const ranges = s3.commandCalls(UploadPartCopyCommand).map((call) => call.args[0].input);
    expect(ranges.map((input) => input.CopySourceRange)).toEqual([
      `bytes=0-${64 * MIB - 1}`,
      `bytes=${64 * MIB}-${64 * MIB}`,
    ]);
  });

  it('creates the upload with type and metadata, copies ranged parts bound to the draft ETag, completes in order', async () => {
    // prepare
    partsSucceed();

    // act
    const copied = await store().copy(request);

    // assess
    expect(copied).toEqual({ etag: '"md5s-3"' });
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input).toEqual({
      Bucket: 'main',
      Key: 'alice/big file+1.bin',
      ContentType: 'video/mp4',
      Metadata: { origin: 'camera', [CONFIRMED_FROM_METADATA]: 'draft-etag' },
    });
    const parts = s3
      .commandCalls(UploadPartCopyCommand)
      .map((call) => call.args[0].input)
      .sort((a, b) => a.PartNumber! - b.PartNumber!);
    expect(parts).toEqual(
      [
        [1, `bytes=0-${5 * MIB - 1}`],
        [2, `bytes=${5 * MIB}-${10 * MIB - 1}`],
        [3, `bytes=${10 * MIB}-${12 * MIB - 1}`],
      ].map(([PartNumber, CopySourceRange]) => ({
        Bucket: 'main',
        Key: 'alice/big file+1.bin',
        UploadId: 'upload-1',
        PartNumber,
        CopySource: 'drafts/alice/big%20file%2B1.bin',
        CopySourceIfMatch: '"draft-etag"',
        CopySourceRange,
      })),
    );
    expect(s3.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input).toEqual({
      Bucket: 'main',
      Key: 'alice/big file+1.bin',
      UploadId: 'upload-1',
      MultipartUpload: {
        Parts: [1, 2, 3].map((n) => ({ PartNumber: n, ETag: `"part-${n}"` })),
      },
    });
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(0);
  });

  it('runs at most partConcurrency parts at once', async () => {
    // prepare
    let running = 0;
    let peak = 0;
    s3.on(UploadPartCopyCommand).callsFake(async (input: UploadPartCopyCommandInput) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((done) => setTimeout(done, 5));
      running -= 1;
      return { CopyPartResult: { ETag: `"part-${input.PartNumber}"` } };
    });

    // act
    await store({ ...small, partConcurrency: 3 }).copy({ ...request, size: 50 * MIB });

    // assess
    expect(s3.commandCalls(UploadPartCopyCommand)).toHaveLength(10);
    expect(peak).toBe(3);
  });

  it('reads the ETag from a HEAD of the target when Complete answers none (Ceph RGW)', async () => {
    // prepare
    partsSucceed();
    s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '' });
    s3.on(HeadObjectCommand).resolves({ ETag: '"md5s-3"', ContentLength: 12 * MIB });

    // act
    const copied = await store().copy(request);

    // assess
    expect(copied).toEqual({ etag: '"md5s-3"' });
    expect(s3.commandCalls(HeadObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'main',
      Key: 'alice/big file+1.bin',
    });
  });

  it('aborts the upload when a part fails, starts no further part, and maps the error', async () => {
    // prepare
    s3.on(UploadPartCopyCommand)
      .resolvesOnce({ CopyPartResult: { ETag: '"part-1"' } })
      .rejects(s3Error('SlowDown', 503));

    // act
    const error = await draftFailure(store({ ...small, partConcurrency: 1 }).copy(request));

    // assess
    expect(error.code).toBe('storage_unavailable');
    expect(error.message).not.toMatch(/secret-bucket-name/);
    expect(s3.commandCalls(UploadPartCopyCommand)).toHaveLength(2);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    expect(s3.commandCalls(AbortMultipartUploadCommand)[0]!.args[0].input).toEqual({
      Bucket: 'main',
      Key: 'alice/big file+1.bin',
      UploadId: 'upload-1',
    });
  });

  it('answers conflict when a part finds the draft replaced (412), and aborts', async () => {
    // prepare
    s3.on(UploadPartCopyCommand).rejects(s3Error('PreconditionFailed', 412));

    // act
    const error = await draftFailure(store().copy(request));

    // assess
    expect(error.code).toBe('conflict');
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it('aborts when Complete fails, and still reports the original error when the abort fails too', async () => {
    // prepare
    partsSucceed();
    s3.on(CompleteMultipartUploadCommand).rejects(s3Error('InternalError', 500));
    s3.on(AbortMultipartUploadCommand).rejects(s3Error('AccessDenied', 403));

    // act
    const error = await draftFailure(store().copy(request));

    // assess
    expect(error.code).toBe('storage_unavailable');
    expect(error.cause).toMatchObject({ name: 'InternalError' });
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
  });

  it('maps a missing draft (404 on a part) to not_found, and a failed Create without an abort', async () => {
    // prepare
    s3.on(UploadPartCopyCommand).rejects(s3Error('NoSuchKey', 404));

    // act
    const missing = await draftFailure(store().copy(request));
    s3.on(CreateMultipartUploadCommand).rejects(s3Error('NoSuchBucket', 404));
    const noBucket = await draftFailure(store().copy(request));

    // assess
    expect(missing.code).toBe('not_found');
    expect(noBucket.code).toBe('bucket_not_found');
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
  });

  it('falls back to one CopyObject on a store without UploadPartCopy (the embedded store)', async () => {
    // prepare
    s3.on(UploadPartCopyCommand).rejects(s3Error('NotImplemented', 501));
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"whole"' } });

    // act
    const copied = await store().copy(request);

    // assess
    expect(copied).toEqual({ etag: '"whole"' });
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(s3.commandCalls(CopyObjectCommand)[0]!.args[0].input).toMatchObject({
      CopySourceIfMatch: '"draft-etag"',
      MetadataDirective: 'REPLACE',
      ContentType: 'video/mp4',
    });
  });
});

describe('DraftService.confirm with a multipart copy (main ETag ≠ draft ETag)', () => {
  const buckets = { draft: 'drafts', main: 'uploads' };
  const alice = { owner: 'alice' };

  /** A fake whose copy behaves like a multipart copy: main gets a `<hash>-<parts>` ETag. */
  const setup = () => {
    const store = new FakeObjectStore([buckets.draft, buckets.main]);
    const sizes: (number | undefined)[] = [];
    const realCopy = store.copy.bind(store);
    store.copy = async (request) => {
      sizes.push(request.size);
      await realCopy(request);
      const written = store.get(request.targetBucket, request.targetKey)!;
      written.etag = '"0123456789abcdef0123456789abcdef-3"';
      return { etag: written.etag };
    };
    const service = new DraftService({
      store,
      buckets,
      policy: { maxUploadBytes: 1000, allowedContentTypes: [] },
      uploadTtlSeconds: 600,
      downloadTtlSeconds: 60,
    });
    return { store, service, sizes };
  };

  it("passes the draft's size to the copy and answers a retry with the same confirmation", async () => {
    // prepare
    const { store, service, sizes } = setup();
    store.put(buckets.draft, 'alice/a.bin', 'twelve bytes', { contentType: 'video/mp4' });

    // act
    const first = await service.confirm(alice, { objectName: 'a.bin' });
    const second = await service.confirm(alice, { objectName: 'a.bin' });

    // assess
    expect(sizes).toEqual([12]);
    expect(first.etag).toBe('0123456789abcdef0123456789abcdef-3');
    expect(second).toEqual(first);
    expect(store.count('copy')).toBe(1);
  });

  it('finishes the move after a crash between copy and delete, copying the same bytes again', async () => {
    // prepare
    const { store, service } = setup();
    store.put(buckets.draft, 'alice/a.bin', 'twelve bytes', { contentType: 'video/mp4' });
    store.failNext('delete', new DraftError('storage_unavailable', 'connection reset'));
    await draftFailure(service.confirm(alice, { objectName: 'a.bin' }));

    // act
    const retried = await service.confirm(alice, { objectName: 'a.bin' });

    // assess
    expect(retried).toMatchObject({ size: 12, etag: '0123456789abcdef0123456789abcdef-3' });
    expect(store.count('copy')).toBe(2);
    expect(store.get(buckets.main, 'alice/a.bin')?.body.toString()).toBe('twelve bytes');
    expect(store.get(buckets.draft, 'alice/a.bin')).toBeUndefined();
  });
});
