import { composeUsage } from '../compose-usage.js';
import { multipartEnvironmentServices } from '../multipart-environment.js';
import { multipartCreateRest } from '../contract/operations/multipart-create.js';
import { restHandler } from './operation-routes.js';

/** POST /api/v1/multipart/create: starts a multipart upload into the draft bucket. */
export const createMultipartCreateHandler = restHandler(multipartCreateRest);

export const handler = createMultipartCreateHandler(() =>
  multipartEnvironmentServices({ usage: composeUsage }),
);
