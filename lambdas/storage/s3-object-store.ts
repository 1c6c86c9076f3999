import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  PutObjectTaggingCommand,
  type Tag,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type {
  CopyRequest,
  DeleteManyResult,
  DeleteTarget,
  ListMultipartUploadsRequest,
  ListPage,
  ListPageRequest,
  MultipartUploadPage,
  ObjectInfo,
  ObjectStore,
  PresignGetRequest,
  PresignedRequest,
  PresignPutRequest,
} from '../core/object-store.js';
import type { DraftBytes, RangeRequest } from '../core/checks/confirm-check.js';
import type { VerdictRecord } from '../core/checks/verdict-record.js';
import type { CleanScans } from '../core/checks/malware-check.js';
import type { ObjectTags } from '../core/checks/guardduty-check.js';
import { DraftError, REJECTION_REASONS, type RejectionReason } from '../core/errors.js';
import { MAX_KEYS_PER_DELETE, MAX_SINGLE_COPY_BYTES } from '../core/s3-limits.js';
import { abortUpload } from './s3-abort-upload.js';
import { errorCode, isNotFound, toDraftError } from './s3-errors.js';
import { ConditionalDeletes } from './conditional-deletes.js';
import { copySource } from './copy-source.js';
import { copyInParts, DEFAULT_MULTIPART_COPY, type MultipartCopyOptions } from './s3-part-copy.js';
import { PartCopySourceDecoding, type PartCopySourceProbe } from './part-copy-source-decoding.js';
import { S3PutPresigner } from './s3-put-presigner.js';

/** Creates a missing bucket with DraftStore's setup; see s3BucketCreator. */
export type BucketCreator = (bucket: string) => Promise<'created' | 'existed'>;

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

/** ObjectStore over the S3 protocol: AWS S3, MinIO, Ceph RGW, LocalStack and s3rver. */
async function* noBytes(): AsyncIterable<Uint8Array> {}

/** The object tags that record confirm's refusal of a draft (see VerdictRecord). */
export const REJECTED_TAG = 'draftstore-rejected';
export const REJECTED_ETAG_TAG = 'draftstore-rejected-etag';
/** The ETag whose bytes the malware scanner found clean (a retried confirm does not rescan). */
export const CLEAN_SCAN_TAG = 'draftstore-scanned-clean';

export class S3ObjectStore
  implements ObjectStore, DraftBytes, VerdictRecord, CleanScans, ObjectTags
{
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

  /** VerdictRecord: two tags beside any others (GuardDuty's), the ETag bound in. */
  async recordRejection(
    bucket: string,
    key: string,
    etag: string,
    reason: RejectionReason,
  ): Promise<void> {
    await this.#setTags(bucket, key, [
      { Key: REJECTED_TAG, Value: reason },
      { Key: REJECTED_ETAG_TAG, Value: etag.replace(/"/g, '') },
    ]);
  }

  async rejection(bucket: string, key: string, etag: string): Promise<RejectionReason | undefined> {
    try {
      const tags = await this.#tags(bucket, key);
      const reason = tags.find((tag) => tag.Key === REJECTED_TAG)?.Value;
      const boundTo = tags.find((tag) => tag.Key === REJECTED_ETAG_TAG)?.Value;
      return boundTo === etag.replace(/"/g, '') &&
        (REJECTION_REASONS as readonly string[]).includes(reason ?? '')
        ? (reason as RejectionReason)
        : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw toDraftError(error, 'reading object tags');
    }
  }

  async #tags(bucket: string, key: string): Promise<Tag[]> {
    const out = await this.client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
    return out.TagSet ?? [];
  }

  /** DraftBytes: one GET, streamed as the SDK reads it (never the whole object in memory). */
  async readStream(
    request: Omit<RangeRequest, 'start' | 'length'>,
  ): Promise<AsyncIterable<Uint8Array>> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: request.bucket,
          Key: request.key,
          IfMatch: request.ifMatch,
        }),
      );
      return (out.Body as AsyncIterable<Uint8Array> | undefined) ?? noBytes();
    } catch (error) {
      if (isNotFound(error)) {
        throw new DraftError('not_found', 'The draft disappeared while it was being checked.', {
          cause: error,
        });
      }
      throw toDraftError(error, 'reading an object');
    }
  }

  /** ObjectTags: the object's tags by key; none for an object that is gone. */
  async tagsOf(bucket: string, key: string): Promise<Record<string, string>> {
    try {
      const tags = await this.#tags(bucket, key);
      return Object.fromEntries(tags.map((tag) => [tag.Key ?? '', tag.Value ?? '']));
    } catch (error) {
      if (isNotFound(error)) return {};
      throw toDraftError(error, 'reading object tags');
    }
  }

  /** CleanScans: a tag naming the ETag whose bytes the scanner found clean. */
  async isClean(bucket: string, key: string, etag: string): Promise<boolean> {
    try {
      const tags = await this.#tags(bucket, key);
      return tags.some((tag) => tag.Key === CLEAN_SCAN_TAG && tag.Value === etag.replace(/"/g, ''));
    } catch (error) {
      if (isNotFound(error)) return false;
      throw toDraftError(error, 'reading object tags');
    }
  }

  async recordClean(bucket: string, key: string, etag: string): Promise<void> {
    await this.#setTags(bucket, key, [{ Key: CLEAN_SCAN_TAG, Value: etag.replace(/"/g, '') }]);
  }

  /** Sets these tags, keeping every other (GuardDuty's). */
  async #setTags(bucket: string, key: string, set: Tag[]): Promise<void> {
    try {
      const names = new Set(set.map((tag) => tag.Key));
      const kept = (await this.#tags(bucket, key)).filter((tag) => !names.has(tag.Key));
      await this.client.send(
        new PutObjectTaggingCommand({
          Bucket: bucket,
          Key: key,
          Tagging: { TagSet: [...kept, ...set] },
        }),
      );
    } catch (error) {
      if (isNotFound(error)) return; // Gone already: nothing left to mark.
      throw toDraftError(error, 'tagging an object');
    }
  }

  /** DraftBytes: one ranged GET, bound to the ETag (412 → `conflict`). */
  async readRange(request: RangeRequest): Promise<Uint8Array> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: request.bucket,
          Key: request.key,
          Range: `bytes=${request.start}-${request.start + request.length - 1}`,
          IfMatch: request.ifMatch,
        }),
      );
      return (await out.Body?.transformToByteArray()) ?? new Uint8Array(0);
    } catch (error) {
      if (isNotFound(error)) {
        throw new DraftError('not_found', 'The draft disappeared while it was being checked.', {
          cause: error,
        });
      }
      throw toDraftError(error, 'reading part of an object');
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

  /**
   * The copy in parts (see copyInParts), its failure mapped like a single copy's: a part
   * refused for `sourceIfMatch` is `conflict`. A store without UploadPartCopy (the embedded
   * store) gets one CopyObject instead, up to its 5 GiB limit.
   */
  async #copyInParts(request: CopyRequest, size: number): Promise<{ etag: string }> {
    try {
      return await copyInParts(this.client, request, size, {
        partSize: this.#multipart.partSize,
        partConcurrency: this.#multipart.partConcurrency,
        sourceDecodedTwice: await this.#partCopySource.decodedTwice(request.sourceBucket),
      });
    } catch (error) {
      if (errorCode(error) === 'NotImplemented' && size <= MAX_SINGLE_COPY_BYTES) {
        return this.#copyWhole(request);
      }
      throw toDraftError(error, 'copying an object');
    }
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
          // A draft's tags are verdicts about the draft (confirm's, GuardDuty's): main starts
          // without them, and copying them would need s3:PutObjectTagging on main.
          TaggingDirective: 'REPLACE',
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
    if (targets.length > MAX_KEYS_PER_DELETE) {
      throw new RangeError(
        `deleteMany takes at most ${MAX_KEYS_PER_DELETE} keys, got ${targets.length}`,
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
          Delimiter: request.delimiter,
          StartAfter: request.startAfter,
          ContinuationToken: request.continuationToken,
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
                  lastModified: entry.LastModified ?? new Date(0),
                  ...(entry.ETag !== undefined && { etag: entry.ETag }),
                },
              ],
        ),
        prefixes: (out.CommonPrefixes ?? []).flatMap((entry) =>
          entry.Prefix === undefined ? [] : [entry.Prefix],
        ),
        truncated: out.IsTruncated === true,
        ...(out.IsTruncated &&
          out.NextContinuationToken !== undefined && {
            nextContinuationToken: out.NextContinuationToken,
          }),
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
