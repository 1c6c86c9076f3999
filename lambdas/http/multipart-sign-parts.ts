import { multipartSignPartsRequest } from '../contract/multipart.js';
import { multipartEnvironmentServices } from '../multipart-environment.js';
import { jsonRoute } from './http-handler.js';
import { jsonResponse } from './json-response.js';

/** POST /api/v1/multipart/sign-parts: presigned PUTs for up to 100 parts, each bound to its length. */
export const createMultipartSignPartsHandler = jsonRoute(
  multipartSignPartsRequest,
  async (input, { caller, services }) => {
    const signed = await services.multipart.signParts(caller, {
      objectName: input.object_name,
      uploadId: input.upload_id,
      uploadToken: input.upload_token,
      partNumbers: input.part_numbers,
      ...(input.content_md5 !== undefined && { contentMd5: input.content_md5 }),
    });
    return jsonResponse(200, {
      parts: signed.parts.map((part) => ({
        part_number: part.partNumber,
        url: part.url,
        method: part.method,
        headers: part.headers,
      })),
      expires_at: signed.expiresAt.toISOString(),
    });
  },
);

export const handler = createMultipartSignPartsHandler(multipartEnvironmentServices);
