import type { Operation, OperationSpec, RestRoute } from '../operation.js';
import { type ListObjectsRequest, listObjectsRequest } from '../requests.js';
import type { listObjectsResponse } from '../responses.js';

/** One page of the caller's names, optionally folder by folder. */
export const listObjects = {
  rateLimit: 'read',
  audit: { action: 'list', about: 'prefix', stage: { unset: 'main' } },
  call: ({ objects, caller }, input: ListObjectsRequest) =>
    objects.list(caller, {
      ...(input.stage !== undefined && { stage: input.stage }),
      ...(input.prefix !== undefined && { prefix: input.prefix }),
      ...(input.delimiter !== undefined && { delimiter: input.delimiter }),
      ...(input.cursor !== undefined && { cursor: input.cursor }),
      ...(input.limit !== undefined && { limit: input.limit }),
    }),
} satisfies Operation;

export const listObjectsRest: RestRoute<typeof listObjects, typeof listObjectsResponse> = {
  operation: listObjects,
  method: 'POST',
  path: '/api/v1/list-objects',
  request: listObjectsRequest,
  answer: (page) => ({
    objects: page.objects.map((object) => ({
      object_name: object.objectName,
      size: object.size,
      etag: object.etag,
      last_modified: object.lastModified.toISOString(),
    })),
    prefixes: [...page.prefixes],
    ...(page.nextCursor !== undefined && { next_cursor: page.nextCursor }),
  }),
};

/** The whole declaration, from which every surface is derived (see operations/index.ts). */
export const listObjectsSpec = {
  name: 'list-objects',
  operation: listObjects,
  rest: listObjectsRest,
  rpc: 'listObjects',
} as const satisfies OperationSpec;
