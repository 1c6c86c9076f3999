import { environmentServices } from '../compose.js';
import { auditOf } from './audit-targets.js';
import { jsonRoute } from './http-handler.js';
import { jsonResponse } from './json-response.js';
import { downloadUrlRequest } from '../contract/requests.js';

/** POST /api/v1/download-url: a presigned GET for a draft or a confirmed object. */
export const createDownloadUrlHandler = jsonRoute(
  downloadUrlRequest,
  async (input, { caller, services }) => {
    const ticket = await services.drafts.downloadUrl(caller, {
      objectName: input.object_name,
      ...(input.stage !== undefined && { stage: input.stage }),
    });
    return jsonResponse(200, {
      download_url: ticket.url,
      object_name: ticket.objectName,
      stage: ticket.stage,
      expires_at: ticket.expiresAt.toISOString(),
    });
  },
  { audit: auditOf.staged('download-url', 'draft') },
);

export const handler = createDownloadUrlHandler(environmentServices);
