import { environmentServices } from '../compose.js';
import { auditOf } from './audit-targets.js';
import { jsonRoute } from './http-handler.js';
import { jsonResponse } from './json-response.js';
import { uploadUrlRequest } from '../contract/requests.js';

/** POST /api/v1/upload-url: a presigned PUT into the draft bucket. */
export const createUploadUrlHandler = jsonRoute(
  uploadUrlRequest,
  async (input, { caller, services }) => {
    const ticket = await services.drafts.uploadUrl(caller, {
      objectName: input.object_name,
      ...(input.content_type !== undefined && { contentType: input.content_type }),
      ...(input.content_length !== undefined && { contentLength: input.content_length }),
      ...(input.content_md5 !== undefined && { contentMd5: input.content_md5 }),
      ...(input.checksum_sha256 !== undefined && { checksumSha256: input.checksum_sha256 }),
      ...(input.metadata !== undefined && { metadata: input.metadata }),
    });
    return jsonResponse(200, {
      upload_url: ticket.url,
      method: ticket.method,
      headers: ticket.headers,
      object_name: ticket.objectName,
      expires_at: ticket.expiresAt.toISOString(),
    });
  },
  { audit: auditOf.draft('upload-url') },
);

export const handler = createUploadUrlHandler(environmentServices);
