import { composeUsage } from '../compose-usage.js';
import { confirmChecks } from '../inspection/confirm-checks.js';
import { multipartEnvironmentServices } from '../multipart-environment.js';
import { s3FormPresigner } from '../storage/s3-form-presigner.js';
import { createCompanionHandler } from './companion/companion-handler.js';

/** ANY /companion/{proxy+}: Uppy Companion's S3 routes (COMPANION_ROUTES=true). */
export const handler = createCompanionHandler(() =>
  multipartEnvironmentServices({
    checks: confirmChecks,
    forms: s3FormPresigner,
    usage: composeUsage,
  }),
);
