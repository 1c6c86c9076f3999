import * as z from 'zod/mini';
import { MAX_KEY_BYTES } from '../core/s3-limits.js';
import { checksumSha256, contentLength, contentMd5, contentType, stage } from './fields.js';

/**
 * The original DraftStore (Go) request body: `{"object_name": "..."}`. Like the Go
 * server's decoder it ignores unknown fields; the domain validates the name itself.
 */
export const compatObjectRequest = z.object({
  object_name: z
    .string({ error: 'must be a string' })
    .check(z.maxLength(MAX_KEY_BYTES, `must be at most ${MAX_KEY_BYTES} characters`)),
});

/**
 * The original upload request, which may also carry every field the modern route signs,
 * checked the same way: without them a configured type list or size limit would refuse
 * every upload. Old clients, which never send them, are unaffected.
 */
export const compatUploadRequest = z.extend(compatObjectRequest, {
  content_type: z.optional(contentType),
  content_length: z.optional(contentLength),
  content_md5: z.optional(contentMd5),
  checksum_sha256: z.optional(checksumSha256),
});

/** The original download request; `stage` is new and optional (see the handler). */
export const compatDownloadRequest = z.extend(compatObjectRequest, {
  stage: z.optional(stage),
});

/** The original success answer: `{"result":{"success":true}}`. */
export const compatResultResponse = z.object({
  result: z.object({ success: z.literal(true) }),
});

/** The original upload-url / download-url answer: the result plus the presigned URL. */
export const compatUrlResponse = z.extend(compatResultResponse, { url: z.string() });

/** The original upload-url answer, plus every header the URL signs: send exactly these. */
export const compatUploadUrlResponse = z.extend(compatUrlResponse, {
  headers: z.record(z.string(), z.string()),
});

/** The original failure answer; `error_type` is the draft.v1.ErrorType number. */
export const compatErrorResponse = z.object({
  result: z.object({ error_message: z.string(), error_type: z.number().check(z.int()) }),
});
