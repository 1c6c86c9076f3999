import { composeUsage } from '../compose-usage.js';
import { environmentServices } from '../compose.js';
import { uploadUrlRest } from '../contract/operations/upload-url.js';
import { restHandler } from './operation-routes.js';

/** POST /api/v1/upload-url: a presigned PUT into the draft bucket. */
export const createUploadUrlHandler = restHandler(uploadUrlRest);

export const handler = createUploadUrlHandler(() => environmentServices({ usage: composeUsage }));
