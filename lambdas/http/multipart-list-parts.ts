import { multipartEnvironmentServices } from '../multipart-environment.js';
import { multipartListPartsRest } from '../contract/operations/multipart-list-parts.js';
import { restHandler } from './operation-routes.js';

/** POST /api/v1/multipart/list-parts: every part uploaded so far, for resuming. */
export const createMultipartListPartsHandler = restHandler(multipartListPartsRest);

export const handler = createMultipartListPartsHandler(multipartEnvironmentServices);
