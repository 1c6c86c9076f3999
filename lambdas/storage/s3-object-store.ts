import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type {
  CopyRequest,
  DeleteManyResult,
  ListMultipartUploadsRequest,
  ListPage,
  ListPageRequest,
  MultipartUploadPage,
  ObjectInfo,
  ObjectStore,
  PresignGetRequest,
  PresignedPost,
  PresignedRequest,
  PresignPostRequest,
  PresignPutRequest,
} from '../core/object-store.js';
import { DraftError } from '../core/errors.js';
import { errorCode, isNotFound, toDraftError } from './s3-errors.js';
import { ensureBucket, type BucketSetup } from './s3-bucket-setup.js';

/** The most keys one DeleteObjects request accepts. */
export const DELETE_BATCH_LIMIT = 1000;

/**
 * CopySource is `bucket/key`, URL-encoded. Encoding each segment keeps the `/`s and
 * makes spaces, `+`, `#`, `?`, `%` and non-ASCII name the right object.
 */
export const copySource = (bucket: string, key: string): string =>
  `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

/**
 * Browser origins allowed on buckets that ensureBucket creates or updates. Presigned
 * URLs carry their own authorization, so any origin may use one it was handed.
 */
export const DEFAULT_BUCKET_SETUP: BucketSetup = { corsOrigins: ['*'] };

/** ObjectStore over the S3 protocol: AWS S3, MinIO, Ceph RGW, LocalStack and s3rver. */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    /** Block Public Access and CORS for ensureBucket. @default DEFAULT_BUCKET_SETUP */
    private readonly bucketSetup: BucketSetup = DEFAULT_BUCKET_SETUP,
  ) {}

  async presignPut(request: PresignPutRequest): Promise<PresignedRequest> {
    const headers: Record<string, string> = {};
    if (request.contentType !== undefined) headers['content-type'] = request.contentType;
    if (request.contentLength !== undefined)
      headers['content-length'] = String(request.contentLength);
    if (request.contentMd5 !== undefined) headers['content-md5'] = request.contentMd5;
    if (request.checksumSha256 !== undefined)
      headers['x-amz-checksum-sha256'] = request.checksumSha256;
    const command = new PutObjectCommand({
      Bucket: request.bucket,
      Key: request.key,
      ContentType: request.contentType,
      ContentLength: request.contentLength,
      ContentMD5: request.contentMd5,
      ChecksumSHA256: request.checksumSha256,
    });
    try {
      const url = await getSignedUrl(this.client, command, {
        expiresIn: request.expiresInSeconds,
        // Signed headers bind the upload: the store rejects any other type, length or body.
        signableHeaders: new Set(Object.keys(headers)),
        // Hoisted into the query string, a checksum would be signed but not checked.
        unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
      });
      return { url, headers };
    } catch (error) {
      throw toDraftError(error, 'presigning an upload');
    }
  }

  async presignPost(request: PresignPostRequest): Promise<PresignedPost> {
    try {
      const post = await createPresignedPost(this.client, {
        Bucket: request.bucket,
        // The key is a form field, so the policy holds it as an exact `key` condition.
        Key: request.key,
        Fields: { 'Content-Type': request.contentType },
        Conditions: [
          ['content-length-range', request.minBytes, request.maxBytes],
          ['eq', '$Content-Type', request.contentType],
        ],
        Expires: request.expiresInSeconds,
      });
      return { url: post.url, fields: post.fields };
    } catch (error) {
      throw toDraftError(error, 'presigning a form upload');
    }
  }

  async presignGet(request: PresignGetRequest): Promise<string> {
    try {
      return await getSignedUrl(
        this.client,
        new GetObjectCommand({ Bucket: request.bucket, Key: request.key }),
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

  async copy(request: CopyRequest): Promise<{ etag: string }> {
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
      return { etag: out.CopyObjectResult?.ETag ?? '' };
    } catch (error) {
      throw toDraftError(error, 'copying an object');
    }
  }

  async delete(bucket: string, key: string, options: { ifMatch?: string } = {}): Promise<void> {
    try {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: bucket, Key: key, IfMatch: options.ifMatch }),
      );
    } catch (error) {
      // Stores without conditional deletes may refuse the header outright.
      if (options.ifMatch !== undefined && errorCode(error) === 'NotImplemented') {
        return this.delete(bucket, key);
      }
      throw toDraftError(error, 'deleting an object');
    }
  }

  async deleteMany(bucket: string, keys: readonly string[]): Promise<DeleteManyResult> {
    if (keys.length === 0) return { deleted: [], errors: [] };
    if (keys.length > DELETE_BATCH_LIMIT) {
      throw new RangeError(
        `deleteMany takes at most ${DELETE_BATCH_LIMIT} keys, got ${keys.length}`,
      );
    }
    try {
      const out = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      const errors = (out.Errors ?? []).map((entry) => ({
        key: entry.Key ?? '',
        code: entry.Code ?? 'Unknown',
        message: entry.Message ?? '',
      }));
      const failed = new Set(errors.map((entry) => entry.key));
      return { deleted: keys.filter((key) => !failed.has(key)), errors };
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

  async abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }),
      );
    } catch (error) {
      // Completed or aborted meanwhile: either way it no longer holds storage.
      if (errorCode(error) === 'NoSuchUpload') return;
      throw toDraftError(error, 'aborting a multipart upload');
    }
  }

  async ensureBucket(bucket: string): Promise<'created' | 'existed'> {
    return ensureBucket(this.client, bucket, this.bucketSetup);
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
