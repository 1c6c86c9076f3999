import type { multipartSignPartsResponse } from '../multipart-responses.js';
import { type MultipartSignPartsRequest, multipartSignPartsRequest } from '../multipart.js';
import type { Operation, OperationSpec, RestRoute } from '../operation.js';
import { uploadReferenceOf } from './upload-reference.js';

/** Presigned PUTs for up to 100 parts, each bound to its length. */
export const multipartSignParts = {
  rateLimit: 'write',
  audit: { action: 'multipart-part-urls', stage: 'draft' },
  call: ({ multipart, caller }, input: MultipartSignPartsRequest) =>
    multipart.signParts(caller, {
      ...uploadReferenceOf(input),
      partNumbers: input.part_numbers,
      ...(input.content_md5 !== undefined && { contentMd5: input.content_md5 }),
    }),
} satisfies Operation;

export const multipartSignPartsRest: RestRoute<
  typeof multipartSignParts,
  typeof multipartSignPartsResponse
> = {
  operation: multipartSignParts,
  method: 'POST',
  path: '/api/v1/multipart/sign-parts',
  request: multipartSignPartsRequest,
  answer: (signed) => ({
    parts: signed.parts.map((part) => ({
      part_number: part.partNumber,
      url: part.url,
      method: part.method,
      headers: part.headers,
    })),
    expires_at: signed.expiresAt.toISOString(),
  }),
};

/** The whole declaration, from which every surface is derived (see operations/index.ts). */
export const multipartSignPartsSpec = {
  name: 'multipart-sign-parts',
  operation: multipartSignParts,
  rest: multipartSignPartsRest,
  rpc: 'signUploadParts',
} as const satisfies OperationSpec;
