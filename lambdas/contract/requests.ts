import * as z from 'zod/mini';
import {
  checksumSha256,
  contentLength,
  contentMd5,
  contentType,
  listCursor,
  listDelimiter,
  listLimit,
  listPrefix,
  objectName,
  stage,
  userMetadata,
} from './fields.js';

/** The request bodies of the REST API (`/api/v1/*`). Unknown fields are refused. */

export const uploadUrlRequest = z.strictObject({
  object_name: objectName,
  content_type: z.optional(contentType),
  content_length: z.optional(contentLength),
  content_md5: z.optional(contentMd5),
  checksum_sha256: z.optional(checksumSha256),
  metadata: z.optional(userMetadata),
});
export type UploadUrlRequest = z.output<typeof uploadUrlRequest>;

export const uploadFormRequest = z.strictObject({
  object_name: objectName,
  content_type: z.optional(contentType),
  metadata: z.optional(userMetadata),
});
export type UploadFormRequest = z.output<typeof uploadFormRequest>;

export const downloadUrlRequest = z.strictObject({
  object_name: objectName,
  stage: z.optional(stage),
});
export type DownloadUrlRequest = z.output<typeof downloadUrlRequest>;

export const confirmRequest = z.strictObject({ object_name: objectName });
export type ConfirmRequest = z.output<typeof confirmRequest>;

export const objectInfoRequest = z.strictObject({
  object_name: objectName,
  /** @default "main" */
  stage: z.optional(stage),
});
export type ObjectInfoRequest = z.output<typeof objectInfoRequest>;

export const listObjectsRequest = z.strictObject({
  /** @default "main" */
  stage: z.optional(stage),
  prefix: z.optional(listPrefix),
  delimiter: z.optional(listDelimiter),
  /** `next_cursor` of the previous page, with the same stage and prefix. */
  cursor: z.optional(listCursor),
  /** @default 100 */
  limit: z.optional(listLimit),
});
export type ListObjectsRequest = z.output<typeof listObjectsRequest>;

export const deleteObjectRequest = z.strictObject({
  object_name: objectName,
  stage,
});
export type DeleteObjectRequest = z.output<typeof deleteObjectRequest>;
