import type { multipartCompleteResponse } from '../multipart-responses.js';
import { type MultipartCompleteRequest, multipartCompleteRequest } from '../multipart.js';
import type { Operation, OperationSpec, RestRoute } from '../operation.js';
import { uploadReferenceOf } from './upload-reference.js';

/**
 * Complete's body lists up to 10,000 parts: `{"part_number":10000,"etag":"\"<32 hex>\""}`
 * each, about 650 KB in all.
 */
export const MAX_COMPLETE_BODY_BYTES = 1024 * 1024;

/** Assembles the parts; the draft then exists, to be confirmed. */
export const multipartComplete = {
  rateLimit: 'none',
  audit: { action: 'multipart-complete', stage: 'draft' },
  call: ({ multipart, caller }, input: MultipartCompleteRequest) =>
    multipart.complete(caller, {
      ...uploadReferenceOf(input),
      parts: input.parts.map((part) => ({ partNumber: part.part_number, etag: part.etag })),
    }),
} satisfies Operation;

export const multipartCompleteRest: RestRoute<
  typeof multipartComplete,
  typeof multipartCompleteResponse
> = {
  operation: multipartComplete,
  method: 'POST',
  path: '/api/v1/multipart/complete',
  request: multipartCompleteRequest,
  maxBodyBytes: MAX_COMPLETE_BODY_BYTES,
  answer: (completed) => ({
    object_name: completed.objectName,
    size: completed.size,
    etag: completed.etag,
  }),
};

/** The whole declaration, from which every surface is derived (see operations/index.ts). */
export const multipartCompleteSpec = {
  name: 'multipart-complete',
  operation: multipartComplete,
  rest: multipartCompleteRest,
  rpc: 'completeMultipartUpload',
} as const satisfies OperationSpec;
