import { environmentServices } from '../compose.js';
import { confirmChecks } from '../inspection/confirm-checks.js';
import { auditOf } from './audit-targets.js';
import { jsonRoute } from './http-handler.js';
import { jsonResponse } from './json-response.js';
import { confirmRequest } from '../contract/requests.js';

/** POST /api/v1/confirm-upload: moves a draft into the main bucket; safe to retry. */
export const createConfirmUploadHandler = jsonRoute(
  confirmRequest,
  async (input, { caller, services }) => {
    const confirmed = await services.drafts.confirm(caller, { objectName: input.object_name });
    return jsonResponse(200, {
      success: true,
      object_name: confirmed.objectName,
      final_location: `${confirmed.bucket}/${confirmed.key}`,
      size: confirmed.size,
      content_type: confirmed.contentType ?? null,
      etag: confirmed.etag,
      ...(confirmed.width !== undefined && { width: confirmed.width, height: confirmed.height }),
    });
  },
  { audit: auditOf.confirm() },
);

export const handler = createConfirmUploadHandler(() =>
  environmentServices({ checks: confirmChecks }),
);
