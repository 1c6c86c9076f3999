import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { Config } from '../config.js';

/**
 * Without these, one store that stops answering mid-request holds a handler, or a cleanup
 * sweep, for good: a gateway that dies while it streams a DeleteObjects answer (RGW sends
 * it key by key) behind a proxy that keeps the client's socket open leaves a body that never
 * ends. `socketTimeout` is the handler's idle-socket timeout, and it also covers reading the
 * body; `requestTimeout` is only a wall-clock warning in @smithy/node-http-handler 4.x,
 * cleared once the headers arrive, so it bounds nothing. S3 keeps a long CopyObject's
 * socket busy with whitespace, so a socket silent for this long really is dead.
 */
export const S3_CLIENT_TIMEOUTS = { connectionTimeout: 5_000, socketTimeout: 60_000 } as const;

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
    requestHandler: S3_CLIENT_TIMEOUTS,
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
