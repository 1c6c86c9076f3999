import { composeUsage } from '../compose-usage.js';
import { environmentServices } from '../compose.js';
import { uploadUrlOriginal } from '../contract/operations/upload-url.js';
import { originalHandler } from './operation-routes.js';

/** POST /api/v1/draft/upload-url (original DraftStore): a presigned PUT, `{"result":{"success":true},"url","headers"}`. */
export const createCompatUploadUrlHandler = originalHandler(uploadUrlOriginal);

export const handler = createCompatUploadUrlHandler(() =>
  environmentServices({ usage: composeUsage }),
);
