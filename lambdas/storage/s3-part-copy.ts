import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { CopyRequest } from '../core/object-store.js';
import { MAX_PART_BYTES, MAX_PART_COUNT, MIN_PART_BYTES } from '../core/s3-limits.js';
import { partCopySource } from './copy-source.js';
import { abortUpload } from './s3-abort-upload.js';

const MIB = 1024 ** 2;

/**
 * How `copy` moves large objects. One CopyObject is a single request the store answers only
 * when the whole object is copied: for GiBs that takes longer than a request handler may
 * run, so larger objects are copied as a multipart upload of parallel UploadPartCopy parts.
 */
export interface MultipartCopyOptions {
  /**
   * Objects larger than this (bytes) are copied in parts; at most 5 GiB, S3's CopyObject limit.
   * 64 MiB: a single CopyObject of that size finishes in about a second, and above it
   * parallel parts are faster than one request.
   * @default 64 MiB
   */
  readonly multipartThreshold?: number;
  /**
   * The preferred part size (bytes), kept within 5 MiB–5 GiB and grown so that no object
   * needs more than 10,000 parts. 64 MiB parts make 5 GiB 80 parts, 5 waves at the default
   * concurrency, each part a request of a second or two.
   * @default 64 MiB
   */
  readonly partSize?: number;
  /**
   * How many UploadPartCopy requests run at once. The bytes never pass through the
   * caller, so this costs sockets, not memory.
   * @default 16
   */
  readonly partConcurrency?: number;
}

export const DEFAULT_MULTIPART_COPY: Required<MultipartCopyOptions> = {
  multipartThreshold: 64 * MIB,
  partSize: 64 * MIB,
  partConcurrency: 16,
};

/** One part of a multipart copy: its number (from 1) and its inclusive byte range. */
export interface PartRange {
  readonly partNumber: number;
  readonly first: number;
  readonly last: number;
}

/** The part size for an object of `size` bytes: `preferred`, within S3's limits and ≤ 10,000 parts. */
export const partSizeFor = (size: number, preferred: number): number =>
  Math.min(
    MAX_PART_BYTES,
    Math.max(MIN_PART_BYTES, Math.ceil(preferred), Math.ceil(size / MAX_PART_COUNT)),
  );

/** Splits `size` bytes into consecutive parts of `partSize` bytes; the last one may be shorter. */
export const partRanges = (size: number, partSize: number): PartRange[] => {
  if (!Number.isSafeInteger(size) || size <= 0) {
    throw new RangeError(`size must be a positive integer, got ${size}`);
  }
  if (!Number.isSafeInteger(partSize) || partSize <= 0) {
    throw new RangeError(`partSize must be a positive integer, got ${partSize}`);
  }
  const ranges: PartRange[] = [];
  for (let first = 0; first < size; first += partSize) {
    ranges.push({
      partNumber: ranges.length + 1,
      first,
      last: Math.min(first + partSize, size) - 1,
    });
  }
  return ranges;
};

/**
 * Runs `task` over `items` with at most `concurrency` at once, in order of start. After the
 * first failure no further item starts; it waits for those already running, then throws
 * that first failure, so nothing is still in flight when the caller cleans up.
 */
const mapBounded = async <T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(concurrency), items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
};

/** What one multipart copy needs: the options in effect and the store's copy-source quirk. */
export interface PartCopySettings {
  readonly partSize: number;
  readonly partConcurrency: number;
  /** See StoreCompatibility.partCopySourceDecodedTwice. */
  readonly sourceDecodedTwice: boolean;
}

/**
 * The multipart copy: CreateMultipartUpload with the type and metadata a single copy would
 * set, parallel UploadPartCopy parts (each bound to `sourceIfMatch`), CompleteMultipartUpload.
 * Any failure aborts the upload (best effort: the bucket's lifecycle rule is the backstop)
 * and is rethrown as the store answered it, for the caller to map like a single copy's.
 */
export const copyInParts = async (
  client: S3Client,
  request: CopyRequest,
  size: number,
  settings: PartCopySettings,
): Promise<{ etag: string }> => {
  const target = { Bucket: request.targetBucket, Key: request.targetKey };
  let uploadId: string | undefined;
  try {
    const created = await client.send(
      new CreateMultipartUploadCommand({
        ...target,
        ContentType: request.contentType,
        Metadata: { ...request.metadata },
      }),
    );
    uploadId = created.UploadId;
    if (uploadId === undefined) throw new Error('CreateMultipartUpload answered no UploadId');
    const id = uploadId;
    const source = partCopySource(
      request.sourceBucket,
      request.sourceKey,
      settings.sourceDecodedTwice,
    );
    const ranges = partRanges(size, partSizeFor(size, settings.partSize));
    const parts = await mapBounded(
      ranges,
      settings.partConcurrency,
      async (range): Promise<CompletedPart> => {
        const out = await client.send(
          new UploadPartCopyCommand({
            ...target,
            UploadId: id,
            PartNumber: range.partNumber,
            CopySource: source,
            CopySourceIfMatch: request.sourceIfMatch,
            CopySourceRange: `bytes=${range.first}-${range.last}`,
          }),
        );
        const etag = out.CopyPartResult?.ETag;
        if (!etag) throw new Error(`UploadPartCopy answered no ETag for part ${range.partNumber}`);
        return { PartNumber: range.partNumber, ETag: etag };
      },
    );
    const completed = await client.send(
      new CompleteMultipartUploadCommand({
        ...target,
        UploadId: id,
        MultipartUpload: { Parts: parts },
      }),
    );
    uploadId = undefined;
    // Ceph RGW answers an empty ETag here; the object's own HEAD has it.
    if (completed.ETag) return { etag: completed.ETag };
    const written = await client.send(new HeadObjectCommand(target));
    return { etag: written.ETag ?? '' };
  } catch (error) {
    if (uploadId !== undefined) {
      await abortUpload(client, target.Bucket, target.Key, uploadId).catch(() => undefined);
    }
    throw error;
  }
};
