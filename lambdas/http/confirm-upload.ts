import { composeUsage } from '../compose-usage.js';
import { environmentServices } from '../compose.js';
import { confirmChecks } from '../inspection/confirm-checks.js';
import { confirmUploadRest } from '../contract/operations/confirm-upload.js';
import { restHandler } from './operation-routes.js';

/** POST /api/v1/confirm-upload: moves a draft into the main bucket; safe to retry. */
export const createConfirmUploadHandler = restHandler(confirmUploadRest);

export const handler = createConfirmUploadHandler(() =>
  environmentServices({ checks: confirmChecks, usage: composeUsage }),
);
