import { multipartListPartsRequest } from '../contract/multipart.js';
import { multipartEnvironmentServices } from '../multipart-environment.js';
import { jsonRoute } from './http-handler.js';
import { jsonResponse } from './json-response.js';

/** POST /api/v1/multipart/list-parts: every part uploaded so far, for resuming. */
export const createMultipartListPartsHandler = jsonRoute(
  multipartListPartsRequest,
  async (input, { caller, services }) => {
    const parts = await services.multipart.listParts(caller, {
      objectName: input.object_name,
      uploadId: input.upload_id,
      uploadToken: input.upload_token,
    });
    return jsonResponse(200, {
      parts: parts.map((part) => ({
        part_number: part.partNumber,
        etag: part.etag,
        size: part.size,
      })),
    });
  },
);

export const handler = createMultipartListPartsHandler(multipartEnvironmentServices);
