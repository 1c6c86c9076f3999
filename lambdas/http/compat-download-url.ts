import { environmentServices } from '../compose.js';
import { compatObjectRequest } from '../contract/compat.js';
import { COMPAT_ROUTE, compatSuccess } from './compat-response.js';
import { auditOf } from './audit-targets.js';
import { jsonRoute } from './http-handler.js';

/** POST /api/v1/draft/download-url (original DraftStore): a presigned GET of the draft. */
export const createCompatDownloadUrlHandler = jsonRoute(
  compatObjectRequest,
  async (input, { caller, services }) => {
    const ticket = await services.drafts.downloadUrl(caller, { objectName: input.object_name });
    return compatSuccess({ url: ticket.url });
  },
  { ...COMPAT_ROUTE, audit: auditOf.staged('download-url', 'draft') },
);

export const handler = createCompatDownloadUrlHandler(environmentServices);
