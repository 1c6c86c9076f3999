import { composeUsage } from '../compose-usage.js';
import { environmentServices } from '../compose.js';
import { deleteObjectRest } from '../contract/operations/delete-object.js';
import { restHandler } from './operation-routes.js';

/** POST /api/v1/delete-object: discards a draft or deletes a confirmed object; idempotent. */
export const createDeleteObjectHandler = restHandler(deleteObjectRest);

export const handler = createDeleteObjectHandler(() =>
  environmentServices({ usage: composeUsage }),
);
