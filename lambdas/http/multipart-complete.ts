import { multipartCompleteRequest } from '../contract/multipart.js';
import { multipartEnvironmentServices } from '../multipart-environment.js';
import { jsonRoute } from './http-handler.js';
import { jsonResponse } from './json-response.js';

/**
 * 10,000 parts of `{"part_number":10000,"etag":"\"<32 hex>\""}` are about 650 KB: the
 * one request body allowed to be larger than the usual 64 KiB.
 */
export const MAX_COMPLETE_BODY_BYTES = 1024 * 1024;

/** POST /api/v1/multipart/complete: assembles the parts; the draft then exists, to be confirmed. */
export const createMultipartCompleteHandler = jsonRoute(
  multipartCompleteRequest,
  async (input, { caller, services }) => {
    const completed = await services.multipart.complete(caller, {
      objectName: input.object_name,
      uploadId: input.upload_id,
      uploadToken: input.upload_token,
      parts: input.parts.map((part) => ({ partNumber: part.part_number, etag: part.etag })),
    });
    return jsonResponse(200, {
      object_name: completed.objectName,
      size: completed.size,
      etag: completed.etag,
    });
  },
  { maxBodyBytes: MAX_COMPLETE_BODY_BYTES },
);

export const handler = createMultipartCompleteHandler(multipartEnvironmentServices);
