import { compatObjectRequest, type compatResultResponse } from '../compat.js';
import type { Operation, OperationSpec, OriginalRoute, RestRoute } from '../operation.js';
import { type ConfirmRequest, confirmRequest } from '../requests.js';
import type { confirmResponse } from '../responses.js';

/** Moves a draft into the main bucket; safe to retry. */
export const confirmUpload = {
  rateLimit: 'write',
  audit: { action: 'confirm', stage: 'main' },
  call: ({ drafts, caller }, input: ConfirmRequest) =>
    drafts.confirm(caller, { objectName: input.object_name }),
} satisfies Operation;

export const confirmUploadRest: RestRoute<typeof confirmUpload, typeof confirmResponse> = {
  operation: confirmUpload,
  method: 'POST',
  path: '/api/v1/confirm-upload',
  request: confirmRequest,
  answer: (confirmed) => ({
    success: true,
    object_name: confirmed.objectName,
    final_location: `${confirmed.bucket}/${confirmed.key}`,
    size: confirmed.size,
    content_type: confirmed.contentType ?? null,
    etag: confirmed.etag,
    ...(confirmed.width !== undefined && { width: confirmed.width, height: confirmed.height }),
  }),
};

export const confirmUploadOriginal: OriginalRoute<
  typeof confirmUpload,
  typeof compatResultResponse,
  'compat-confirm'
> = {
  operation: confirmUpload,
  path: '/api/v1/draft/confirm',
  entry: 'compat-confirm',
  request: compatObjectRequest,
  answer: () => ({}),
};

/** The whole declaration, from which every surface is derived (see operations/index.ts). */
export const confirmUploadSpec = {
  name: 'confirm-upload',
  operation: confirmUpload,
  rest: confirmUploadRest,
  original: confirmUploadOriginal,
  rpc: 'confirmUpload',
} as const satisfies OperationSpec;
