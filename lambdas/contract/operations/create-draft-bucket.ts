import type { compatResultResponse } from '../compat.js';
import type { Operation, OperationSpec, OriginalRoute } from '../operation.js';

/**
 * Ensures both buckets: creates them on S3-compatible stores, only verifies them on AWS.
 * Only the original API has it.
 */
export const createDraftBucket = {
  rateLimit: 'none',
  audit: { action: 'ensure-buckets', about: 'service' },
  call: ({ drafts }) => drafts.ensureBuckets(),
} satisfies Operation;

export const createDraftBucketOriginal: OriginalRoute<
  typeof createDraftBucket,
  typeof compatResultResponse,
  'compat-bucket'
> = {
  operation: createDraftBucket,
  path: '/api/v1/draft/bucket',
  entry: 'compat-bucket',
  answer: () => ({}),
};

/** The whole declaration, from which every surface is derived (see operations/index.ts). */
export const createDraftBucketSpec = {
  name: 'create-draft-bucket',
  operation: createDraftBucket,
  original: createDraftBucketOriginal,
  rpc: 'createDraftBucket',
} as const satisfies OperationSpec;
