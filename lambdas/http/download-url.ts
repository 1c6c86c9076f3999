import { environmentServices } from '../compose.js';
import { composeUsage } from '../compose-usage.js';
import { downloadUrlRest } from '../contract/operations/download-url.js';
import { restHandler } from './operation-routes.js';

/** POST /api/v1/download-url: a presigned GET for a draft or a confirmed object. */
export const createDownloadUrlHandler = restHandler(downloadUrlRest);

export const handler = createDownloadUrlHandler(() => environmentServices({ usage: composeUsage }));
