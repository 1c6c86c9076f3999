import { composeUsage } from '../compose-usage.js';
import { multipartEnvironmentServices } from '../multipart-environment.js';
import { multipartSignPartsRest } from '../contract/operations/multipart-sign-parts.js';
import { restHandler } from './operation-routes.js';

/** POST /api/v1/multipart/sign-parts: presigned PUTs for up to 100 parts. */
export const createMultipartSignPartsHandler = restHandler(multipartSignPartsRest);

export const handler = createMultipartSignPartsHandler(() =>
  multipartEnvironmentServices({ usage: composeUsage }),
);
