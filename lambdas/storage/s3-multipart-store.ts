import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DraftError } from '../core/errors.js';
import type {
  CompleteUploadRequest,
  CreateUploadRequest,
  ListPartsRequest,
  MultipartStore,
  PartPage,
  PresignPartRequest,
} from '../core/multipart-store.js';
import type { PresignedRequest } from '../core/object-store.js';
import { abortUpload } from './s3-abort-upload.js';
import { errorCode, toDraftError } from './s3-errors.js';

/** S3's answers to a complete whose part list is wrong: the client's mistake, not the store's. */
const BAD_PART_LIST: Readonly<Record<string, string>> = {
  InvalidPart: 'a listed part was not uploaded, or its etag does not match',
  InvalidPartOrder: 'the parts are not in ascending order',
  EntityTooSmall: 'a part other than the last is smaller than 5 MiB',
};

/** MultipartStore over the S3 protocol: AWS S3, MinIO, Ceph RGW and the embedded store. */
export class S3MultipartStore implements MultipartStore {
  constructor(private readonly client: S3Client) {}

  async createUpload(request: CreateUploadRequest): Promise<{ uploadId: string }> {
    try {
      const out = await this.client.send(
        new CreateMultipartUploadCommand({
          Bucket: request.bucket,
          Key: request.key,
          ContentType: request.contentType,
          Metadata: { ...request.metadata },
        }),
      );
      if (!out.UploadId) throw new Error('CreateMultipartUpload answered no UploadId');
      return { uploadId: out.UploadId };
    } catch (error) {
      throw toDraftError(error, 'starting a multipart upload');
    }
  }

  async presignPart(request: PresignPartRequest): Promise<PresignedRequest> {
    const headers: Record<string, string> = {};
    if (request.contentLength !== undefined) {
      headers['content-length'] = String(request.contentLength);
    }
    if (request.contentMd5 !== undefined) headers['content-md5'] = request.contentMd5;
    try {
      const url = await getSignedUrl(
        this.client,
        new UploadPartCommand({
          Bucket: request.bucket,
          Key: request.key,
          UploadId: request.uploadId,
          PartNumber: request.partNumber,
          ContentLength: request.contentLength,
          ContentMD5: request.contentMd5,
        }),
        {
          expiresIn: request.expiresInSeconds,
          // Signed, so the store refuses a part of any other length or other bytes.
          signableHeaders: new Set(Object.keys(headers)),
        },
      );
      return { url, headers };
    } catch (error) {
      throw toDraftError(error, 'presigning an upload part');
    }
  }

  async listParts(request: ListPartsRequest): Promise<PartPage> {
    try {
      const out = await this.client.send(
        new ListPartsCommand({
          Bucket: request.bucket,
          Key: request.key,
          UploadId: request.uploadId,
          MaxParts: request.maxParts,
          PartNumberMarker:
            request.partNumberMarker === undefined ? undefined : String(request.partNumberMarker),
        }),
      );
      const parts = (out.Parts ?? []).flatMap((part) =>
        part.PartNumber !== undefined && part.ETag !== undefined
          ? [{ partNumber: part.PartNumber, etag: part.ETag, size: part.Size ?? 0 }]
          : [],
      );
      const next = Number(out.NextPartNumberMarker);
      return {
        parts,
        ...(out.IsTruncated && Number.isSafeInteger(next) && { nextPartNumberMarker: next }),
      };
    } catch (error) {
      throw toDraftError(error, 'listing the parts of an upload');
    }
  }

  async completeUpload(request: CompleteUploadRequest): Promise<{ etag: string }> {
    try {
      const out = await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: request.bucket,
          Key: request.key,
          UploadId: request.uploadId,
          MultipartUpload: {
            Parts: request.parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })),
          },
        }),
      );
      return { etag: out.ETag ?? '' };
    } catch (error) {
      const badList = BAD_PART_LIST[errorCode(error) ?? ''];
      if (badList !== undefined) {
        throw new DraftError('invalid_request', `parts: ${badList}.`, { cause: error });
      }
      throw toDraftError(error, 'completing a multipart upload');
    }
  }

  abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    return abortUpload(this.client, bucket, key, uploadId);
  }
}
