import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { Config } from '../config.js';

/**
 * A ledger write sits on confirm's path, so a table that stops answering must fail the
 * request (503 `storage_unavailable`) well inside the function's timeout rather than hold
 * it: DynamoDB answers in milliseconds, and a socket silent for seconds is dead.
 */
export const DYNAMODB_CLIENT_TIMEOUTS = { connectionTimeout: 2_000, socketTimeout: 5_000 } as const;

/**
 * Builds the DynamoDB client of the usage table. DYNAMODB_ENDPOINT points it at any
 * DynamoDB-compatible endpoint (dynalite locally and in tests); with an S3-compatible store
 * (`STORAGE_TYPE=minio`) it signs with the MINIO_* keys, which such endpoints accept.
 */
export const createDynamoDbClient = (
  config: Config,
  overrides: Partial<DynamoDBClientConfig> = {},
): DynamoDBClient => {
  const { endpoint } = config.usage;
  const common: DynamoDBClientConfig = {
    requestHandler: DYNAMODB_CLIENT_TIMEOUTS,
    // Throttling is retried by the SDK (standard mode, 3 attempts); what still fails is a 503.
    maxAttempts: 3,
    // Account-based endpoints are AWS's alone; an overridden endpoint is used as it is.
    // (DynamoDB has no flexible checksums, so S3's WHEN_REQUIRED settings have no twin here.)
    ...(endpoint !== undefined && { endpoint, accountIdEndpointMode: 'disabled' as const }),
  };
  if (config.storageType === 's3') {
    return new DynamoDBClient({ ...common, region: config.awsRegion, ...overrides });
  }
  const { region, accessKey, secretKey } = config.minio;
  return new DynamoDBClient({
    ...common,
    region,
    credentials: { accessKeyId: accessKey, secretAccessKey: secretKey },
    ...overrides,
  });
};
