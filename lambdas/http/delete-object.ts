import { environmentServices } from '../compose.js';
import { deleteObjectRequest } from '../contract/requests.js';
import { auditOf } from './audit-targets.js';
import { jsonRoute } from './http-handler.js';
import { jsonResponse } from './json-response.js';

/** POST /api/v1/delete-object: discards a draft or deletes a confirmed object; idempotent. */
export const createDeleteObjectHandler = jsonRoute(
  deleteObjectRequest,
  async (input, { caller, services }) => {
    await services.objects.delete(caller, { objectName: input.object_name, stage: input.stage });
    return jsonResponse(200, { deleted: true });
  },
  { audit: auditOf.staged('delete', 'main') },
);

export const handler = createDeleteObjectHandler(environmentServices);
