import type { S3Client } from '@aws-sdk/client-s3';
import { StartupError } from './startup-error.js';

/**
 * With STORAGE_TYPE=s3 the SDK looks for credentials only when the first request is
 * signed, and every request would then fail. Resolving them at start-up turns that
 * into one line that says what to set.
 */
export const requireAwsCredentials = async (client: S3Client): Promise<void> => {
  try {
    await client.config.credentials();
  } catch (error) {
    const said = error instanceof Error ? ` (the AWS SDK: "${error.message}")` : '';
    throw new StartupError(
      `No AWS credentials found for STORAGE_TYPE=s3${said}: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "aws sso login"; or unset STORAGE_TYPE to use the embedded store.`,
      { cause: error },
    );
  }
};
