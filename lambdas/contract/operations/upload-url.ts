import { compatUploadRequest, type compatUploadUrlResponse } from '../compat.js';
import type { Operation, OperationSpec, OriginalRoute, RestRoute } from '../operation.js';
import { type UploadUrlRequest, uploadUrlRequest } from '../requests.js';
import type { uploadUrlResponse } from '../responses.js';

/** A presigned PUT into the draft bucket. */
export const uploadUrl = {
  rateLimit: 'write',
  audit: { action: 'upload-url', stage: 'draft' },
  call: ({ drafts, caller }, input: UploadUrlRequest) =>
    drafts.uploadUrl(caller, {
      objectName: input.object_name,
      ...(input.content_type !== undefined && { contentType: input.content_type }),
      ...(input.content_length !== undefined && { contentLength: input.content_length }),
      ...(input.content_md5 !== undefined && { contentMd5: input.content_md5 }),
      ...(input.checksum_sha256 !== undefined && { checksumSha256: input.checksum_sha256 }),
      ...(input.metadata !== undefined && { metadata: input.metadata }),
    }),
} satisfies Operation;

export const uploadUrlRest: RestRoute<typeof uploadUrl, typeof uploadUrlResponse> = {
  operation: uploadUrl,
  method: 'POST',
  path: '/api/v1/upload-url',
  request: uploadUrlRequest,
  answer: (ticket) => ({
    upload_url: ticket.url,
    method: ticket.method,
    headers: ticket.headers,
    object_name: ticket.objectName,
    expires_at: ticket.expiresAt.toISOString(),
  }),
};

/**
 * It signs what the modern route signs, and `headers` lists what the PUT must send; an
 * original client, which declares nothing, gets `{}`.
 */
export const uploadUrlOriginal: OriginalRoute<
  typeof uploadUrl,
  typeof compatUploadUrlResponse,
  'compat-upload-url'
> = {
  operation: uploadUrl,
  path: '/api/v1/draft/upload-url',
  entry: 'compat-upload-url',
  request: compatUploadRequest,
  answer: (ticket) => ({ url: ticket.url, headers: ticket.headers }),
};

/** The whole declaration, from which every surface is derived (see operations/index.ts). */
export const uploadUrlSpec = {
  name: 'upload-url',
  operation: uploadUrl,
  rest: uploadUrlRest,
  original: uploadUrlOriginal,
  rpc: 'getUploadURL',
} as const satisfies OperationSpec;
