import type { multipartAbortResponse } from '../multipart-responses.js';
import { type MultipartAbortRequest, multipartAbortRequest } from '../multipart.js';
import type { Operation, OperationSpec, RestRoute } from '../operation.js';
import { uploadReferenceOf } from './upload-reference.js';

/** Aborts the upload (and removes its draft if completed); idempotent. */
export const multipartAbort = {
  rateLimit: 'none',
  audit: { action: 'multipart-abort', stage: 'draft' },
  call: ({ multipart, caller }, input: MultipartAbortRequest) =>
    multipart.abort(caller, uploadReferenceOf(input)),
} satisfies Operation;

export const multipartAbortRest: RestRoute<typeof multipartAbort, typeof multipartAbortResponse> = {
  operation: multipartAbort,
  method: 'POST',
  path: '/api/v1/multipart/abort',
  request: multipartAbortRequest,
  answer: () => ({ aborted: true }),
};

/** The whole declaration, from which every surface is derived (see operations/index.ts). */
export const multipartAbortSpec = {
  name: 'multipart-abort',
  operation: multipartAbort,
  rest: multipartAbortRest,
  rpc: 'abortMultipartUpload',
} as const satisfies OperationSpec;
