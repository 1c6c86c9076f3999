import { environmentServices } from '../compose.js';
import { composeUsage } from '../compose-usage.js';
import { objectInfoRest } from '../contract/operations/object-info.js';
import { restHandler } from './operation-routes.js';

/** POST /api/v1/object-info: size, type, ETag, time and custom metadata of one object. */
export const createObjectInfoHandler = restHandler(objectInfoRest);

export const handler = createObjectInfoHandler(() => environmentServices({ usage: composeUsage }));
