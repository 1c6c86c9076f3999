import type { Operation, OperationSpec, RestRoute } from '../operation.js';
import { type ObjectInfoRequest, objectInfoRequest } from '../requests.js';
import type { objectInfoResponse } from '../responses.js';

/** Size, type, ETag, time and custom metadata of one object. */
export const objectInfo = {
  rateLimit: 'read',
  audit: { action: 'object-info', stage: { unset: 'main' } },
  call: ({ objects, caller }, input: ObjectInfoRequest) =>
    objects.info(caller, {
      objectName: input.object_name,
      ...(input.stage !== undefined && { stage: input.stage }),
    }),
} satisfies Operation;

export const objectInfoRest: RestRoute<typeof objectInfo, typeof objectInfoResponse> = {
  operation: objectInfo,
  method: 'POST',
  path: '/api/v1/object-info',
  request: objectInfoRequest,
  answer: (info) => ({
    object_name: info.objectName,
    stage: info.stage,
    size: info.size,
    content_type: info.contentType ?? null,
    etag: info.etag,
    last_modified: info.lastModified?.toISOString() ?? null,
    metadata: info.metadata,
    ...(info.width !== undefined && { width: info.width, height: info.height }),
  }),
};

/** The whole declaration, from which every surface is derived (see operations/index.ts). */
export const objectInfoSpec = {
  name: 'object-info',
  operation: objectInfo,
  rest: objectInfoRest,
  rpc: 'getObjectInfo',
} as const satisfies OperationSpec;
