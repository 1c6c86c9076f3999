import type { Operation, OperationSpec, RestRoute } from '../operation.js';
import { type UploadFormRequest, uploadFormRequest } from '../requests.js';
import type { uploadFormResponse } from '../responses.js';

/**
 * A presigned POST into the draft bucket, for a plain HTML form. The store enforces the
 * policy: the key, the Content-Type, 1..MAX_UPLOAD_BYTES bytes and the expiry.
 */
export const uploadForm = {
  rateLimit: 'write',
  audit: { action: 'upload-form', stage: 'draft' },
  call: ({ drafts, caller }, input: UploadFormRequest) =>
    drafts.uploadForm(caller, {
      objectName: input.object_name,
      ...(input.content_type !== undefined && { contentType: input.content_type }),
      ...(input.metadata !== undefined && { metadata: input.metadata }),
    }),
} satisfies Operation;

export const uploadFormRest: RestRoute<typeof uploadForm, typeof uploadFormResponse> = {
  operation: uploadForm,
  method: 'POST',
  path: '/api/v1/upload-form',
  request: uploadFormRequest,
  answer: (form) => ({
    url: form.url,
    method: form.method,
    fields: form.fields,
    object_name: form.objectName,
    content_type: form.contentType,
    content_length_range: [form.minBytes, form.maxBytes],
    expires_at: form.expiresAt.toISOString(),
  }),
};

/** The whole declaration, from which every surface is derived (see operations/index.ts). */
export const uploadFormSpec = {
  name: 'upload-form',
  operation: uploadForm,
  rest: uploadFormRest,
} as const satisfies OperationSpec;
