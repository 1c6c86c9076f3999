import { environmentServices } from '../compose.js';
import { composeUsage } from '../compose-usage.js';
import { listObjectsRest } from '../contract/operations/list-objects.js';
import { restHandler } from './operation-routes.js';

/** POST /api/v1/list-objects: one page of the caller's names, optionally folder by folder. */
export const createListObjectsHandler = restHandler(listObjectsRest);

export const handler = createListObjectsHandler(() => environmentServices({ usage: composeUsage }));
