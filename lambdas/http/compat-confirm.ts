import { composeUsage } from '../compose-usage.js';
import { environmentServices } from '../compose.js';
import { confirmChecks } from '../inspection/confirm-checks.js';
import { confirmUploadOriginal } from '../contract/operations/confirm-upload.js';
import { originalHandler } from './operation-routes.js';

/** POST /api/v1/draft/confirm (original DraftStore): moves the draft to the main bucket. */
export const createCompatConfirmHandler = originalHandler(confirmUploadOriginal);

export const handler = createCompatConfirmHandler(() =>
  environmentServices({ checks: confirmChecks, usage: composeUsage }),
);
