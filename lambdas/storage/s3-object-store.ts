import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type {
  CopyRequest,
  DeleteManyResult,
  DeleteTarget,
  ListMultipartUploadsRequest,
  ListObjectsRequest,
  ListPage,
  ListPageRequest,
  MultipartUploadPage,
  ObjectInfo,
  ObjectListing,
  ObjectStore,
  PresignGetRequest,
  PresignedRequest,
  PresignPutRequest,
} from '../core/object-store.js';
import { DraftError } from '../core/errors.js';
import { abortUpload } from './s3-abort-upload.js';
import { errorCode, isNotFound, toDraftError } from './s3-errors.js';
import { ConditionalDeletes } from './conditional-deletes.js';
import { copySource, partCopySource } from './copy-source.js';
import { PartCopySourceDecoding, type PartCopySourceProbe } from './part-copy-source-decoding.js';
import { S3PutPresigner } from './s3-put-presigner.js';

export { copySource } from './copy-source.js';

/** The most keys one DeleteObjects request accepts. */
export const DELETE_BATCH_LIMIT = 1000;

/** Creates a missing bucket with DraftStore's setup; see s3BucketCreator. */
export type BucketCreator = (bucket: string) => Promise<'created' | 'existed'>;

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
/** S3's limits: one CopyObject copies at most 5 GiB; a multipart upload has at most 10,000 parts of 5 MiB to 5 GiB (the last may be smaller). */
export const MAX_SINGLE_COPY_BYTES = 5 * GIB;
export const MIN_PART_BYTES = 5 * MIB;
export const MAX_PART_BYTES = 5 * GIB;
export const MAX_PARTS = 10_000;

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

/** What a store does differently from AWS S3, where the adapter must know it in advance. */
export interface StoreCompatibility {
  /**
   * Whether UploadPartCopy URL-decodes `x-amz-copy-source` twice (Ceph RGW 16.2; CopyObject
   * decodes it once), so the adapter encodes it once more: true or false
   * (S3_PART_COPY_SOURCE_DECODED_TWICE), or a probe that asks the store once, on the first
   * part copy (probePartCopySourceDecoding).
   * @default false
   */
  readonly partCopySourceDecodedTwice?: boolean | PartCopySourceProbe;
  /**
   * Probe each bucket once for whether DeleteObject honours `If-Match`, instead of relying
   * on it (AWS documents it; S3-compatible stores may ignore it silently).
   * @default false
   */
  readonly probeConditionalDeletes?: boolean;
}

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
    Math.max(MIN_PART_BYTES, Math.ceil(preferred), Math.ceil(size / MAX_PARTS)),
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

/** ObjectStore over the S3 protocol: AWS S3, MinIO, Ceph RGW, LocalStack and s3rver. */
export class S3ObjectStore implements ObjectStore {
  readonly #multipart: Required<MultipartCopyOptions>;
  readonly #partCopySource: PartCopySourceDecoding;
  readonly #conditionalDeletes: ConditionalDeletes;
  readonly #puts: S3PutPresigner;

  constructor(
    private readonly client: S3Client,
    /**
     * What ensureBucket does. Only what provisions buckets passes one (s3BucketCreator): in
     * AWS the stack owns them, and the creation code would only weigh on every bundle.
     * @default undefined: ensureBucket fails as `internal`
     */
    private readonly createBucket?: BucketCreator,
    /** When and how `copy` copies in parts. @default DEFAULT_MULTIPART_COPY */
    multipartCopy: MultipartCopyOptions = {},
    /** The store's known deviations from AWS S3. @default none */
    compatibility: StoreCompatibility = {},
  ) {
    const options = { ...DEFAULT_MULTIPART_COPY, ...multipartCopy };
    this.#multipart = {
      ...options,
      multipartThreshold: Math.min(options.multipartThreshold, MAX_SINGLE_COPY_BYTES),
    };
    this.#partCopySource = new PartCopySourceDecoding(
      client,
      compatibility.partCopySourceDecodedTwice ?? false,
    );
    this.#puts = new S3PutPresigner(client);
    this.#conditionalDeletes = new ConditionalDeletes(
      client,
      !(compatibility.probeConditionalDeletes ?? false),
    );
  }

  async presignPut(request: PresignPutRequest): Promise<PresignedRequest> {
    const headers: Record<string, string> = {};
    if (request.contentType !== undefined) headers['content-type'] = request.contentType;
    if (request.contentLength !== undefined)
      headers['content-length'] = String(request.contentLength);
    if (request.contentMd5 !== undefined) headers['content-md5'] = request.contentMd5;
    if (request.checksumSha256 !== undefined)
      headers['x-amz-checksum-sha256'] = request.checksumSha256;
    const metadataHeaders = Object.keys(request.metadata ?? {}).map((name) => `x-amz-meta-${name}`);
    for (const [name, value] of Object.entries(request.metadata ?? {})) {
      headers[`x-amz-meta-${name}`] = value;
    }
    // Hoisted into the query string, a checksum would be signed but not checked, and
    // metadata would be a query parameter the client need not send as a header.
    const unhoistable = ['x-amz-checksum-sha256', ...metadataHeaders];
    try {
      const url =
        (await this.#puts.presign({
          bucket: request.bucket,
          key: request.key,
          expiresInSeconds: request.expiresInSeconds,
          headers,
          unhoistable,
        })) ??
        (await getSignedUrl(
          this.client,
          new PutObjectCommand({
            Bucket: request.bucket,
            Key: request.key,
            ContentType: request.contentType,
            ContentLength: request.contentLength,
            ContentMD5: request.contentMd5,
            ChecksumSHA256: request.checksumSha256,
            Metadata: request.metadata && { ...request.metadata },
          }),
          {
            expiresIn: request.expiresInSeconds,
            // Signed headers bind the upload: the store rejects any other type, length or body.
            signableHeaders: new Set(Object.keys(headers)),
            unhoistableHeaders: new Set(unhoistable),
          },
        ));
      return { url, headers };
    } catch (error) {
      throw toDraftError(error, 'presigning an upload');
    }
  }

  async presignGet(request: PresignGetRequest): Promise<string> {
    try {
      return await getSignedUrl(
        this.client,
        new GetObjectCommand({
          Bucket: request.bucket,
          Key: request.key,
          ResponseContentDisposition: request.contentDisposition,
        }),
        { expiresIn: request.expiresInSeconds },
      );
    } catch (error) {
      throw toDraftError(error, 'presigning a download');
    }
  }

  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return {
        size: out.ContentLength ?? 0,
        etag: out.ETag ?? '',
        ...(out.ContentType !== undefined && { contentType: out.ContentType }),
        ...(out.LastModified !== undefined && { lastModified: out.LastModified }),
        metadata: out.Metadata ?? {},
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw toDraftError(error, 'reading object metadata');
    }
  }

  /**
   * Copies with one CopyObject, or, when `request.size` is over the multipart threshold, as
   * a multipart upload of parallel UploadPartCopy parts, each bound to `sourceIfMatch`.
   */
  async copy(request: CopyRequest): Promise<{ etag: string }> {
    if (request.size !== undefined && request.size > this.#multipart.multipartThreshold) {
      return this.#copyInParts(request, request.size);
    }
    return this.#copyWhole(request);
  }

  async #copyWhole(request: CopyRequest): Promise<{ etag: string }> {
    try {
      const out = await this.client.send(
        new CopyObjectCommand({
          Bucket: request.targetBucket,
          Key: request.targetKey,
          CopySource: copySource(request.sourceBucket, request.sourceKey),
          CopySourceIfMatch: request.sourceIfMatch,
          MetadataDirective: 'REPLACE',
          ContentType: request.contentType,
          Metadata: { ...request.metadata },
        }),
      );
      if (out.CopyObjectResult?.ETag) return { etag: out.CopyObjectResult.ETag };
      // A copy answered without an ETag: the object's own HEAD has it (a confirm never
      // reports an empty one).
      const written = await this.client.send(
        new HeadObjectCommand({ Bucket: request.targetBucket, Key: request.targetKey }),
      );
      return { etag: written.ETag ?? '' };
    } catch (error) {
      throw toDraftError(error, 'copying an object');
    }
  }

  /**
   * The multipart copy: CreateMultipartUpload with the type and metadata a single copy would
   * set, parallel UploadPartCopy parts, CompleteMultipartUpload. Any failure aborts the
   * upload (best effort: the bucket's lifecycle rule is the backstop) and is mapped like a
   * single copy's: a part refused for `sourceIfMatch` is `conflict`. A store without
   * UploadPartCopy (the embedded store) gets one CopyObject instead, up to its 5 GiB limit.
   */
  async #copyInParts(request: CopyRequest, size: number): Promise<{ etag: string }> {
    const target = { Bucket: request.targetBucket, Key: request.targetKey };
    let uploadId: string | undefined;
    try {
      const decodedTwice = await this.#partCopySource.decodedTwice(request.sourceBucket);
      const created = await this.client.send(
        new CreateMultipartUploadCommand({
          ...target,
          ContentType: request.contentType,
          Metadata: { ...request.metadata },
        }),
      );
      uploadId = created.UploadId;
      if (uploadId === undefined) throw new Error('CreateMultipartUpload answered no UploadId');
      const id = uploadId;
      const source = partCopySource(request.sourceBucket, request.sourceKey, decodedTwice);
      const ranges = partRanges(size, partSizeFor(size, this.#multipart.partSize));
      const parts = await mapBounded(
        ranges,
        this.#multipart.partConcurrency,
        async (range): Promise<CompletedPart> => {
          const out = await this.client.send(
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
          if (!etag)
            throw new Error(`UploadPartCopy answered no ETag for part ${range.partNumber}`);
          return { PartNumber: range.partNumber, ETag: etag };
        },
      );
      const completed = await this.client.send(
        new CompleteMultipartUploadCommand({
          ...target,
          UploadId: id,
          MultipartUpload: { Parts: parts },
        }),
      );
      uploadId = undefined;
      // Ceph RGW answers an empty ETag here; the object's own HEAD has it.
      if (completed.ETag) return { etag: completed.ETag };
      const written = await this.client.send(new HeadObjectCommand(target));
      return { etag: written.ETag ?? '' };
    } catch (error) {
      if (uploadId !== undefined) {
        await this.client
          .send(new AbortMultipartUploadCommand({ ...target, UploadId: uploadId }))
          .catch(() => undefined);
      }
      if (errorCode(error) === 'NotImplemented' && size <= MAX_SINGLE_COPY_BYTES) {
        return this.#copyWhole(request);
      }
      throw toDraftError(error, 'copying an object');
    }
  }

  async delete(bucket: string, key: string, options: { ifMatch?: string } = {}): Promise<void> {
    const { ifMatch } = options;
    if (ifMatch === undefined) return this.#deleteObject(bucket, key);
    if (await this.#conditionalDeletes.honoured(bucket)) {
      try {
        return await this.#deleteObject(bucket, key, ifMatch);
      } catch (error) {
        const cause = error instanceof DraftError ? error.cause : error;
        if (errorCode(cause) !== 'NotImplemented') throw error;
        this.#conditionalDeletes.refused(bucket);
      }
    }
    // The store ignores or refuses the condition: compare the ETag ourselves right before
    // the DELETE. A re-upload landing between this HEAD and the DELETE is still lost.
    const current = await this.head(bucket, key);
    if (current === undefined) return;
    if (current.etag !== ifMatch) {
      throw new DraftError('conflict', 'The object changed before it could be deleted.');
    }
    return this.#deleteObject(bucket, key);
  }

  async #deleteObject(bucket: string, key: string, ifMatch?: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(ifMatch !== undefined && { IfMatch: ifMatch }),
        }),
      );
    } catch (error) {
      throw toDraftError(error, 'deleting an object');
    }
  }

  async deleteMany(bucket: string, targets: readonly DeleteTarget[]): Promise<DeleteManyResult> {
    if (targets.length === 0) return { deleted: [], errors: [] };
    if (targets.length > DELETE_BATCH_LIMIT) {
      throw new RangeError(
        `deleteMany takes at most ${DELETE_BATCH_LIMIT} keys, got ${targets.length}`,
      );
    }
    try {
      const out = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: {
            // The listed ETag: AWS keeps an object re-uploaded since it was listed.
            Objects: targets.map(({ key, etag }) => ({
              Key: key,
              ...(etag !== undefined && { ETag: etag }),
            })),
            Quiet: true,
          },
        }),
      );
      const errors = (out.Errors ?? []).map((entry) => ({
        key: entry.Key ?? '',
        code: entry.Code ?? 'Unknown',
        message: entry.Message ?? '',
      }));
      const failed = new Set(errors.map((entry) => entry.key));
      return {
        deleted: targets.map(({ key }) => key).filter((key) => !failed.has(key)),
        errors,
      };
    } catch (error) {
      throw toDraftError(error, 'deleting objects');
    }
  }

  async listPage(request: ListPageRequest): Promise<ListPage> {
    try {
      const out = await this.client.send(
        new ListObjectsV2Command({
          Bucket: request.bucket,
          Prefix: request.prefix,
          ContinuationToken: request.continuationToken,
          MaxKeys: request.maxKeys,
        }),
      );
      return {
        objects: (out.Contents ?? []).map((entry) => ({
          key: entry.Key ?? '',
          size: entry.Size ?? 0,
          lastModified: entry.LastModified ?? new Date(0),
          ...(entry.ETag !== undefined && { etag: entry.ETag }),
        })),
        ...(out.IsTruncated &&
          out.NextContinuationToken !== undefined && {
            nextContinuationToken: out.NextContinuationToken,
          }),
      };
    } catch (error) {
      throw toDraftError(error, 'listing objects');
    }
  }

  async listObjects(request: ListObjectsRequest): Promise<ObjectListing> {
    try {
      const out = await this.client.send(
        new ListObjectsV2Command({
          Bucket: request.bucket,
          Prefix: request.prefix,
          Delimiter: request.delimiter,
          StartAfter: request.startAfter,
          MaxKeys: request.maxKeys,
        }),
      );
      return {
        objects: (out.Contents ?? []).flatMap((entry) =>
          entry.Key === undefined
            ? []
            : [
                {
                  key: entry.Key,
                  size: entry.Size ?? 0,
                  etag: entry.ETag ?? '',
                  lastModified: entry.LastModified ?? new Date(0),
                },
              ],
        ),
        prefixes: (out.CommonPrefixes ?? []).flatMap((entry) =>
          entry.Prefix === undefined ? [] : [entry.Prefix],
        ),
        truncated: out.IsTruncated === true,
      };
    } catch (error) {
      throw toDraftError(error, 'listing objects');
    }
  }

  async listMultipartUploads(request: ListMultipartUploadsRequest): Promise<MultipartUploadPage> {
    try {
      const out = await this.client.send(
        new ListMultipartUploadsCommand({
          Bucket: request.bucket,
          Prefix: request.prefix,
          KeyMarker: request.keyMarker,
          UploadIdMarker: request.uploadIdMarker,
          MaxUploads: request.maxUploads,
        }),
      );
      const uploads = (out.Uploads ?? []).flatMap((entry) =>
        entry.Key !== undefined && entry.UploadId !== undefined
          ? [
              {
                key: entry.Key,
                uploadId: entry.UploadId,
                initiated: entry.Initiated ?? new Date(0),
              },
            ]
          : [],
      );
      return {
        uploads,
        ...(out.IsTruncated &&
          out.NextKeyMarker !== undefined && {
            nextKeyMarker: out.NextKeyMarker,
            ...(out.NextUploadIdMarker !== undefined && {
              nextUploadIdMarker: out.NextUploadIdMarker,
            }),
          }),
      };
    } catch (error) {
      // The embedded store (s3rver) has no ListMultipartUploads.
      if (errorCode(error) === 'NotImplemented') return { uploads: [], unsupported: true };
      throw toDraftError(error, 'listing multipart uploads');
    }
  }

  abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    return abortUpload(this.client, bucket, key, uploadId);
  }

  async ensureBucket(bucket: string): Promise<'created' | 'existed'> {
    if (this.createBucket === undefined) {
      throw new DraftError('internal', 'This store was composed without bucket creation.');
    }
    return this.createBucket(bucket);
  }

  async checkBucket(bucket: string): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (error) {
      // HEAD answers a missing bucket with a bare 404.
      if (isNotFound(error)) {
        throw new DraftError('bucket_not_found', 'Storage is not set up: a bucket is missing.', {
          cause: error,
        });
      }
      throw toDraftError(error, 'checking a bucket');
    }
  }
}
