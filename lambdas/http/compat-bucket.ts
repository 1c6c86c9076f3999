import { environmentServices } from '../compose.js';
import { COMPAT_ROUTE, compatSuccess } from './compat-response.js';
import { plainRoute } from './http-handler.js';

/**
 * POST /api/v1/draft/bucket (original DraftStore): ensures both buckets; creates them
 * on S3-compatible stores, only verifies them on AWS.
 */
export const createCompatBucketHandler = plainRoute(async ({ services }) => {
  await services.drafts.ensureBuckets();
  return compatSuccess();
}, COMPAT_ROUTE);

export const handler = createCompatBucketHandler(environmentServices);
