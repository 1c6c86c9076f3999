import { multipartAbortRequest } from '../contract/multipart.js';
import { multipartEnvironmentServices } from '../multipart-environment.js';
import { jsonRoute } from './http-handler.js';
import { jsonResponse } from './json-response.js';

/** POST /api/v1/multipart/abort: aborts the upload (and removes its draft if completed); idempotent. */
export const createMultipartAbortHandler = jsonRoute(
  multipartAbortRequest,
  async (input, { caller, services }) => {
    await services.multipart.abort(caller, {
      objectName: input.object_name,
      uploadId: input.upload_id,
      uploadToken: input.upload_token,
    });
    return jsonResponse(200, { aborted: true });
  },
);

export const handler = createMultipartAbortHandler(multipartEnvironmentServices);
