import { environmentServices } from '../compose.js';
import { listObjectsRequest } from '../contract/requests.js';
import { auditOf } from './audit-targets.js';
import { jsonRoute } from './http-handler.js';
import { jsonResponse } from './json-response.js';

/** POST /api/v1/list-objects: one page of the caller's names, optionally folder by folder. */
export const createListObjectsHandler = jsonRoute(
  listObjectsRequest,
  async (input, { caller, services }) => {
    const page = await services.objects.list(caller, {
      ...(input.stage !== undefined && { stage: input.stage }),
      ...(input.prefix !== undefined && { prefix: input.prefix }),
      ...(input.delimiter !== undefined && { delimiter: input.delimiter }),
      ...(input.cursor !== undefined && { cursor: input.cursor }),
      ...(input.limit !== undefined && { limit: input.limit }),
    });
    return jsonResponse(200, {
      objects: page.objects.map((object) => ({
        object_name: object.objectName,
        size: object.size,
        etag: object.etag,
        last_modified: object.lastModified.toISOString(),
      })),
      prefixes: page.prefixes,
      ...(page.nextCursor !== undefined && { next_cursor: page.nextCursor }),
    });
  },
  { audit: auditOf.list() },
);

export const handler = createListObjectsHandler(environmentServices);
