import { multipartEnvironmentServices } from '../multipart-environment.js';
import { multipartAbortRest } from '../contract/operations/multipart-abort.js';
import { restHandler } from './operation-routes.js';

/** POST /api/v1/multipart/abort: aborts the upload; idempotent. */
export const createMultipartAbortHandler = restHandler(multipartAbortRest);

export const handler = createMultipartAbortHandler(multipartEnvironmentServices);
