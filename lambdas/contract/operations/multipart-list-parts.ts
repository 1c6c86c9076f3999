import type { multipartListPartsResponse } from '../multipart-responses.js';
import { type MultipartListPartsRequest, multipartListPartsRequest } from '../multipart.js';
import type { Operation, OperationSpec, RestRoute } from '../operation.js';
import { uploadReferenceOf } from './upload-reference.js';

/** Every part uploaded so far, for resuming. */
export const multipartListParts = {
  rateLimit: 'none',
  audit: { action: 'multipart-list-parts', stage: 'draft' },
  call: ({ multipart, caller }, input: MultipartListPartsRequest) =>
    multipart.listParts(caller, uploadReferenceOf(input)),
} satisfies Operation;

export const multipartListPartsRest: RestRoute<
  typeof multipartListParts,
  typeof multipartListPartsResponse
> = {
  operation: multipartListParts,
  method: 'POST',
  path: '/api/v1/multipart/list-parts',
  request: multipartListPartsRequest,
  answer: (parts) => ({
    parts: parts.map((part) => ({
      part_number: part.partNumber,
      etag: part.etag,
      size: part.size,
    })),
  }),
};

/** The whole declaration, from which every surface is derived (see operations/index.ts). */
export const multipartListPartsSpec = {
  name: 'multipart-list-parts',
  operation: multipartListParts,
  rest: multipartListPartsRest,
  rpc: 'listUploadParts',
} as const satisfies OperationSpec;
