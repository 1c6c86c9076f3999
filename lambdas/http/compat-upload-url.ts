import { environmentServices } from '../compose.js';
import { compatUploadRequest } from '../contract/compat.js';
import { COMPAT_ROUTE, compatSuccess } from './compat-response.js';
import { auditOf } from './audit-targets.js';
import { jsonRoute } from './http-handler.js';

/**
 * POST /api/v1/draft/upload-url (original DraftStore): `{"result":{"success":true},
 * "url":"...","headers":{...}}`. It signs what the modern route signs, and `headers`
 * lists what the PUT must send; an original client, which declares nothing, gets `{}`.
 */
export const createCompatUploadUrlHandler = jsonRoute(
  compatUploadRequest,
  async (input, { caller, services }) => {
    const ticket = await services.drafts.uploadUrl(caller, {
      objectName: input.object_name,
      ...(input.content_type !== undefined && { contentType: input.content_type }),
      ...(input.content_length !== undefined && { contentLength: input.content_length }),
      ...(input.content_md5 !== undefined && { contentMd5: input.content_md5 }),
      ...(input.checksum_sha256 !== undefined && { checksumSha256: input.checksum_sha256 }),
    });
    return compatSuccess({ url: ticket.url, headers: ticket.headers });
  },
  { ...COMPAT_ROUTE, audit: auditOf.draft('upload-url') },
);

export const handler = createCompatUploadUrlHandler(environmentServices);
