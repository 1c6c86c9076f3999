import type { multipartCreateResponse } from '../multipart-responses.js';
import { type MultipartCreateRequest, multipartCreateRequest } from '../multipart.js';
import type { Operation, OperationSpec, RestRoute } from '../operation.js';

/** Starts a multipart upload into the draft bucket. */
export const multipartCreate = {
  rateLimit: 'write',
  audit: { action: 'multipart-create', stage: 'draft' },
  call: ({ multipart, caller }, input: MultipartCreateRequest) =>
    multipart.create(caller, {
      objectName: input.object_name,
      contentLength: input.content_length,
      ...(input.content_type !== undefined && { contentType: input.content_type }),
      ...(input.part_size !== undefined && { partSize: input.part_size }),
    }),
} satisfies Operation;

export const multipartCreateRest: RestRoute<
  typeof multipartCreate,
  typeof multipartCreateResponse
> = {
  operation: multipartCreate,
  method: 'POST',
  path: '/api/v1/multipart/create',
  request: multipartCreateRequest,
  answer: (upload) => ({
    upload_id: upload.uploadId,
    upload_token: upload.uploadToken,
    object_name: upload.objectName,
    part_size: upload.partSize,
    part_count: upload.partCount,
    expires_at: upload.expiresAt.toISOString(),
  }),
};

/** The whole declaration, from which every surface is derived (see operations/index.ts). */
export const multipartCreateSpec = {
  name: 'multipart-create',
  operation: multipartCreate,
  rest: multipartCreateRest,
  rpc: 'createMultipartUpload',
} as const satisfies OperationSpec;
