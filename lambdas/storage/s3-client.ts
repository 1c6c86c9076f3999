import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { Config } from '../config.js';

/**
 * Builds the S3 client for the configured store. `minio` means any S3-compatible
 * endpoint (MinIO, Ceph RGW, LocalStack, the embedded store): path-style addressing
 * and static keys from MINIO_*.
 */
export const createS3Client = (
  config: Config,
  overrides: Partial<S3ClientConfig> = {},
): S3Client => {
  // The SDK's default CRC32 checksums and aws-chunked bodies break non-AWS stores and
  // put an empty-body checksum into presigned URLs; checksums are added only where an
  // operation requires one, or where the caller asks for one.
  const common: S3ClientConfig = {
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Without timeouts one hung connection holds a handler (or a cleanup sweep's time
    // budget) until Lambda kills it. S3 keeps a long CopyObject's socket busy with
    // whitespace, so an idle socket for this long really is dead.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  };
  if (config.storageType === 's3') {
    return new S3Client({ ...common, region: config.awsRegion, ...overrides });
  }
  const { endpoint, useSsl, region, accessKey, secretKey } = config.minio;
  return new S3Client({
    ...common,
    endpoint: `${useSsl ? 'https' : 'http'}://${endpoint}`,
    forcePathStyle: true,
    region,
    credentials: { accessKeyId: accessKey, secretAccessKey: secretKey },
    ...overrides,
  });
};
