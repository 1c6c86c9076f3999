import * as z from 'zod/mini';
import {
  checksumSha256,
  contentLength,
  contentMd5,
  contentType,
  objectName,
  stage,
} from './fields.js';

/** The request bodies of the REST API (`/api/v1/*`). Unknown fields are refused. */

export const uploadUrlRequest = z.strictObject({
  object_name: objectName,
  content_type: z.optional(contentType),
  content_length: z.optional(contentLength),
  content_md5: z.optional(contentMd5),
  checksum_sha256: z.optional(checksumSha256),
});
export type UploadUrlRequest = z.output<typeof uploadUrlRequest>;

export const uploadFormRequest = z.strictObject({
  object_name: objectName,
  content_type: z.optional(contentType),
});
export type UploadFormRequest = z.output<typeof uploadFormRequest>;

export const downloadUrlRequest = z.strictObject({
  object_name: objectName,
  stage: z.optional(stage),
});
export type DownloadUrlRequest = z.output<typeof downloadUrlRequest>;

export const confirmRequest = z.strictObject({ object_name: objectName });
export type ConfirmRequest = z.output<typeof confirmRequest>;
