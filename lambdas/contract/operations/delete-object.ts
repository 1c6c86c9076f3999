import type { Operation, OperationSpec, RestRoute } from '../operation.js';
import { type DeleteObjectRequest, deleteObjectRequest } from '../requests.js';
import type { deleteObjectResponse } from '../responses.js';

/** Discards a draft or deletes a confirmed object; idempotent. */
export const deleteObject = {
  rateLimit: 'write',
  audit: { action: 'delete', stage: { unset: 'main' } },
  call: ({ objects, caller }, input: DeleteObjectRequest) =>
    objects.delete(caller, { objectName: input.object_name, stage: input.stage }),
} satisfies Operation;

export const deleteObjectRest: RestRoute<typeof deleteObject, typeof deleteObjectResponse> = {
  operation: deleteObject,
  method: 'POST',
  path: '/api/v1/delete-object',
  request: deleteObjectRequest,
  answer: () => ({ deleted: true }),
};

/** The whole declaration, from which every surface is derived (see operations/index.ts). */
export const deleteObjectSpec = {
  name: 'delete-object',
  operation: deleteObject,
  rest: deleteObjectRest,
  rpc: 'deleteObject',
} as const satisfies OperationSpec;
