import { environmentServices } from '../compose.js';
import { createDraftBucketOriginal } from '../contract/operations/create-draft-bucket.js';
import { plainOriginalHandler } from './operation-routes.js';

/** POST /api/v1/draft/bucket (original DraftStore): ensures both buckets. */
export const createCompatBucketHandler = plainOriginalHandler(createDraftBucketOriginal);

export const handler = createCompatBucketHandler(environmentServices);
