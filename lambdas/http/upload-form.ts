import { environmentServices } from '../compose.js';
import { s3FormPresigner } from '../storage/s3-form-presigner.js';
import { auditOf } from './audit-targets.js';
import { jsonRoute } from './http-handler.js';
import { jsonResponse } from './json-response.js';
import { uploadFormRequest } from '../contract/requests.js';

/**
 * POST /api/v1/upload-form: a presigned POST into the draft bucket, for a plain HTML
 * form. The store enforces the policy: the key, the Content-Type, 1..MAX_UPLOAD_BYTES
 * bytes and the expiry.
 */
export const createUploadFormHandler = jsonRoute(
  uploadFormRequest,
  async (input, { caller, services }) => {
    const form = await services.drafts.uploadForm(caller, {
      objectName: input.object_name,
      ...(input.content_type !== undefined && { contentType: input.content_type }),
      ...(input.metadata !== undefined && { metadata: input.metadata }),
    });
    return jsonResponse(200, {
      url: form.url,
      method: form.method,
      fields: form.fields,
      object_name: form.objectName,
      content_type: form.contentType,
      content_length_range: [form.minBytes, form.maxBytes],
      expires_at: form.expiresAt.toISOString(),
    });
  },
  { audit: auditOf.draft('upload-form') },
);

// The only Lambda entry that wires the POST presigner: see ComposeOptions.forms.
export const handler = createUploadFormHandler(() =>
  environmentServices({ forms: s3FormPresigner }),
);
