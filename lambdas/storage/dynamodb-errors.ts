import { DraftError } from '../core/errors.js';
import { errorCode, toDraftError } from './s3-errors.js';

/**
 * What DynamoDB answers (HTTP 400, so S3's status rules miss it) when a table, partition or
 * account is over its throughput: the caller should retry later, as with a store that is down.
 */
const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

/**
 * Translates a failure of a request to the usage table into the domain's error: down,
 * throttling, unreachable or refusing our credentials is 503 `storage_unavailable`; anything
 * else (a missing table: a deployment mistake) is `internal`. The message names no table; the
 * original is the cause, logged only.
 */
export const usageTableError = (error: unknown, action: string): DraftError => {
  if (THROTTLED.has(errorCode(error) ?? '')) {
    return new DraftError('storage_unavailable', `Storage is unavailable (${action}); try again.`, {
      cause: error,
    });
  }
  return toDraftError(error, action);
};
