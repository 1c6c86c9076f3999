import { createRequire } from 'node:module';
import S3rver from 's3rver';
import { checkPartsOnComplete, embeddedMultipart } from './embedded-multipart.js';
import { guardFileNames, refuseEscapingPaths } from './embedded-s3-files.js';
import { guardPartWrites, type PartStore } from './embedded-s3-parts.js';
import {
  atomicObjectWrites,
  recoverInterruptedWrites,
  type WritableStore,
} from './embedded-s3-writes.js';
import { LOCAL_CORS_ORIGINS } from './local-origins.js';
import { captureConditions } from './request-conditions.js';

const require = createRequire(import.meta.url);
// s3rver accepts one hard-coded key pair; registering ours lets clients use the configured MINIO_* keys.
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account.js') as {
  DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
};

/** Browsers on any localhost port may PUT, POST (form uploads) and GET, and multipart clients may read the ETag. */
export const LOCALHOST_CORS_XML = `<CORSConfiguration>
  ${LOCAL_CORS_ORIGINS.map(
    (origin) => `<CORSRule>
    <AllowedOrigin>${origin}</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>`,
  ).join('\n  ')}
</CORSConfiguration>`;

export interface EmbeddedS3Options {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly directory: string;
  readonly buckets: readonly string[];
  readonly accessKey: string;
  readonly secretKey: string;
}

export interface EmbeddedS3 {
  /** host:port, as MINIO_ENDPOINT expects it. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * S3 URL-decodes x-amz-copy-source. s3rver uses decodeURI, which leaves `%23`, `%3F`,
 * `%2B`, `%26` and friends encoded, so it looks for the wrong source key. Re-encoding
 * the header with encodeURI gives decodeURI exactly the key the client meant.
 */
const repairCopySource = async (
  context: { request: { headers: Record<string, string | string[] | undefined> } },
  next: () => Promise<unknown>,
): Promise<void> => {
  const headers = context.request.headers;
  const source = headers['x-amz-copy-source'];
  if (typeof source === 'string') {
    try {
      headers['x-amz-copy-source'] = encodeURI(decodeURIComponent(source));
    } catch {
      // Malformed escapes: let s3rver answer as S3 would.
    }
  }
  await next();
};

/**
 * The embedded S3-compatible store (s3rver). It checks no signatures and no signed
 * headers: fine for development, never evidence of a security property.
 */
export const startEmbeddedS3 = async (options: EmbeddedS3Options): Promise<EmbeddedS3> => {
  DUMMY_ACCOUNT.createKeyPair(options.accessKey, options.secretKey);
  const server = new S3rver({
    address: options.host,
    port: options.port,
    directory: options.directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [LOCALHOST_CORS_XML] })),
  });
  server.middleware.unshift(
    refuseEscapingPaths,
    repairCopySource,
    captureConditions,
    embeddedMultipart(options.directory),
  );
  // Writes first: the wrappers below check names, then hand over to these.
  atomicObjectWrites((server as unknown as { store: WritableStore }).store);
  checkPartsOnComplete(
    (server as unknown as { store: Parameters<typeof checkPartsOnComplete>[0] }).store,
  );
  guardFileNames((server as unknown as { store: Parameters<typeof guardFileNames>[0] }).store);
  guardPartWrites((server as unknown as { store: PartStore }).store);
  await recoverInterruptedWrites(options.directory);
  const address = (await server.run()) as { address: string; port: number };
  return {
    endpoint: `${options.host}:${address.port}`,
    close: () => server.close() as Promise<void>,
  };
};
