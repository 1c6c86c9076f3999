import { environmentServices } from '../compose.js';
import { compatDownloadRequest } from '../contract/compat.js';
import { COMPAT_ROUTE, compatSuccess } from './compat-response.js';
import { auditOf } from './audit-targets.js';
import { jsonRoute } from './http-handler.js';

/**
 * POST /api/v1/draft/download-url (original DraftStore): a presigned GET. Without a
 * `stage` it signs the draft, or the confirmed object once there is no draft, as the
 * original server did; with one it signs that stage only.
 */
export const createCompatDownloadUrlHandler = jsonRoute(
  compatDownloadRequest,
  async (input, { caller, services }) => {
    const ticket = await services.drafts.downloadUrl(caller, {
      objectName: input.object_name,
      ...(input.stage === undefined ? { fallbackToMain: true } : { stage: input.stage }),
    });
    return compatSuccess({ url: ticket.url });
  },
  { ...COMPAT_ROUTE, audit: auditOf.staged('download-url', 'draft') },
);

export const handler = createCompatDownloadUrlHandler(environmentServices);
