import { multipartEnvironmentServices } from '../multipart-environment.js';
import { multipartCompleteRest } from '../contract/operations/multipart-complete.js';
import { restHandler } from './operation-routes.js';

/** POST /api/v1/multipart/complete: assembles the parts into the draft. */
export const createMultipartCompleteHandler = restHandler(multipartCompleteRest);

export const handler = createMultipartCompleteHandler(multipartEnvironmentServices);
