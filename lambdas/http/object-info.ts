import { environmentServices } from '../compose.js';
import { objectInfoRequest } from '../contract/requests.js';
import { auditOf } from './audit-targets.js';
import { jsonRoute } from './http-handler.js';
import { jsonResponse } from './json-response.js';

/** POST /api/v1/object-info: size, type, ETag, time and custom metadata of one object. */
export const createObjectInfoHandler = jsonRoute(
  objectInfoRequest,
  async (input, { caller, services }) => {
    const info = await services.objects.info(caller, {
      objectName: input.object_name,
      ...(input.stage !== undefined && { stage: input.stage }),
    });
    return jsonResponse(200, {
      object_name: info.objectName,
      stage: info.stage,
      size: info.size,
      content_type: info.contentType ?? null,
      etag: info.etag,
      last_modified: info.lastModified?.toISOString() ?? null,
      metadata: info.metadata,
      ...(info.width !== undefined && { width: info.width, height: info.height }),
    });
  },
  { audit: auditOf.staged('object-info', 'main') },
);

export const handler = createObjectInfoHandler(environmentServices);
