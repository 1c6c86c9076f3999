import { environmentServices } from '../compose.js';
import { composeUsage } from '../compose-usage.js';
import { downloadUrlOriginal } from '../contract/operations/download-url.js';
import { originalHandler } from './operation-routes.js';

/** POST /api/v1/draft/download-url (original DraftStore): a presigned GET. */
export const createCompatDownloadUrlHandler = originalHandler(downloadUrlOriginal);

export const handler = createCompatDownloadUrlHandler(() =>
  environmentServices({ usage: composeUsage }),
);
