import { multipartCreateRequest } from '../contract/multipart.js';
import { multipartEnvironmentServices } from '../multipart-environment.js';
import { jsonRoute } from './http-handler.js';
import { jsonResponse } from './json-response.js';

/** POST /api/v1/multipart/create: starts a multipart upload into the draft bucket. */
export const createMultipartCreateHandler = jsonRoute(
  multipartCreateRequest,
  async (input, { caller, services }) => {
    const upload = await services.multipart.create(caller, {
      objectName: input.object_name,
      contentLength: input.content_length,
      ...(input.content_type !== undefined && { contentType: input.content_type }),
      ...(input.part_size !== undefined && { partSize: input.part_size }),
    });
    return jsonResponse(200, {
      upload_id: upload.uploadId,
      upload_token: upload.uploadToken,
      object_name: upload.objectName,
      part_size: upload.partSize,
      part_count: upload.partCount,
      expires_at: upload.expiresAt.toISOString(),
    });
  },
);

export const handler = createMultipartCreateHandler(multipartEnvironmentServices);
