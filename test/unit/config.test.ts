import {
  DEFAULT_INLINE_CONTENT_TYPES,
  ConfigError,
  describeConfig,
  loadConfig,
} from '../../lambdas/config.js';

const messageOf = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('loadConfig', () => {
  it('applies the original DraftStore defaults', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      storageType: 's3',
      buckets: { main: 'main', draft: 'main-draft' },
      awsRegion: 'us-east-1',
      minio: {
        endpoint: 'localhost:9000',
        accessKey: 'minioadmin',
        secretKey: 'minioadmin',
        useSsl: false,
        region: 'us-east-1',
      },
      httpPort: 8080,
      grpcPort: 50051,
      uploadTtlSeconds: 3600,
      downloadTtlSeconds: 3600,
      objectLifetimeSeconds: 86400,
      maxUploadBytes: 5 * 1024 ** 3,
      cleanupIntervalSeconds: 60,
      allowedContentTypes: [],
      partCopySourceDecodedTwice: undefined,
      inlineContentTypes: DEFAULT_INLINE_CONTENT_TYPES,
      contentSniffing: 'strict',
      imageLimits: { maxWidth: 0, maxHeight: 0, maxPixels: 16383 * 16383 },
      usage: {
        table: undefined,
        endpoint: undefined,
        quotaBytes: undefined,
        quotaObjects: undefined,
      },
      malwareScan: 'off',
      guardDutyPassStatuses: [],
      clamd: { address: '', timeoutMs: 30_000, streamMaxBytes: 25 * 1024 * 1024 },
    });
    expect(DEFAULT_INLINE_CONTENT_TYPES).not.toContain('text/html');
    expect(DEFAULT_INLINE_CONTENT_TYPES).not.toContain('image/*');
  });

  it('reads INLINE_CONTENT_TYPES as a list, "none" as no inline type, and refuses a malformed entry', () => {
    expect(loadConfig({ INLINE_CONTENT_TYPES: 'Image/PNG, video/*' }).inlineContentTypes).toEqual([
      'image/png',
      'video/*',
    ]);
    expect(loadConfig({ INLINE_CONTENT_TYPES: 'none' }).inlineContentTypes).toEqual([]);
    expect(() => loadConfig({ INLINE_CONTENT_TYPES: 'text/plain,html' })).toThrow(
      /INLINE_CONTENT_TYPES must be "none" or a comma list of types like "image\/png" or "video\/\*", got "html"/,
    );
  });

  it('reads the usage table and the default quotas; unset quotas are unlimited', () => {
    expect(
      loadConfig({
        USAGE_TABLE: 'usage',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:4567',
        QUOTA_BYTES: '1073741824',
        QUOTA_OBJECTS: '0',
      }).usage,
    ).toEqual({
      table: 'usage',
      endpoint: 'http://127.0.0.1:4567',
      quotaBytes: 1073741824,
      quotaObjects: 0,
    });
    expect(loadConfig({ USAGE_TABLE: 'usage' }).usage.quotaBytes).toBeUndefined();
  });

  it('derives the draft bucket from BUCKET_NAME', () => {
    expect(loadConfig({ BUCKET_NAME: 'uploads' }).buckets).toEqual({
      main: 'uploads',
      draft: 'uploads-draft',
    });
  });

  it('parses types, booleans and numbers', () => {
    const config = loadConfig({
      STORAGE_TYPE: 'MINIO',
      MINIO_USE_SSL: 'true',
      UPLOAD_TTL: '60',
      ALLOWED_CONTENT_TYPES: 'image/*, Application/PDF',
    });
    expect(config.storageType).toBe('minio');
    expect(config.minio.useSsl).toBe(true);
    expect(config.uploadTtlSeconds).toBe(60);
    expect(config.allowedContentTypes).toEqual(['image/*', 'application/pdf']);
  });

  it('reads S3_PART_COPY_SOURCE_DECODED_TWICE (Ceph RGW) and refuses a non-boolean', () => {
    expect(
      loadConfig({ S3_PART_COPY_SOURCE_DECODED_TWICE: 'true' }).partCopySourceDecodedTwice,
    ).toBe(true);
    expect(() => loadConfig({ S3_PART_COPY_SOURCE_DECODED_TWICE: 'rgw' })).toThrow(
      /S3_PART_COPY_SOURCE_DECODED_TWICE must be true or false, got "rgw"/,
    );
  });

  it.each([
    [{ STORAGE_TYPE: 'gcs' }, /STORAGE_TYPE must be "s3" or "minio", got "gcs"/],
    [{ MALWARE_SCAN: 'foo' }, /MALWARE_SCAN must be "off" or "clamav" or "guardduty", got "foo"/],
    [{ MALWARE_SCAN: 'clamav' }, /CLAMD_ADDRESS must be host:port or the path of a unix socket/],
    [
      { MALWARE_SCAN: 'clamav', CLAMD_ADDRESS: 'tcp://clamd' },
      /CLAMD_ADDRESS must be host:port or the path of a unix socket when MALWARE_SCAN=clamav, got "tcp:\/\/clamd"/,
    ],
    [
      { GUARDDUTY_PASS_STATUSES: 'UNSUPPORTED, CLEAN' },
      /GUARDDUTY_PASS_STATUSES must be a comma list of UNSUPPORTED, ACCESS_DENIED, FAILED, got "CLEAN"/,
    ],
    [{ IMAGE_MAX_PIXELS: '-1' }, /IMAGE_MAX_PIXELS must be a whole number from 0 to/],
    [{ USAGE_TABLE: 't', QUOTA_BYTES: '-1' }, /QUOTA_BYTES must be a whole number from 0 to/],
    [{ USAGE_TABLE: 't', QUOTA_OBJECTS: 'many' }, /QUOTA_OBJECTS must be a whole number/],
    [{ QUOTA_BYTES: '1000' }, /QUOTA_BYTES needs USAGE_TABLE/],
    [{ USAGE_TABLE: 'usage', DYNAMODB_ENDPOINT: '127.0.0.1:4567' }, /DYNAMODB_ENDPOINT must be/],
    [{ USAGE_TABLE: 'a b' }, /USAGE_TABLE must be/],
    [{ IMAGE_MAX_WIDTH: '1e4' }, /IMAGE_MAX_WIDTH must be a whole number from 0 to 2147483647/],
    [{ CONTENT_SNIFFING: 'lenient' }, /CONTENT_SNIFFING must be "strict" or "off", got "lenient"/],
    [{ HTTP_PORT: 'eighty' }, /HTTP_PORT must be a whole number from 0 to 65535, got "eighty"/],
    [{ UPLOAD_TTL: '0' }, /UPLOAD_TTL must be a whole number from 1 to 604800/],
    [{ DOWNLOAD_TTL: '604801' }, /DOWNLOAD_TTL must be a whole number from 1 to 604800/],
    [{ MAX_UPLOAD_BYTES: '1.5' }, /MAX_UPLOAD_BYTES must be a whole number/],
    [{ MINIO_USE_SSL: 'yes' }, /MINIO_USE_SSL must be true or false, got "yes"/],
    [{ ALLOWED_CONTENT_TYPES: 'image/*,not a type' }, /ALLOWED_CONTENT_TYPES must be a comma list/],
    [{ BUCKET_NAME: 'Bad_Bucket' }, /BUCKET_NAME must be 3-63 lower-case letters/],
    [
      { BUCKET_NAME: 'same', DRAFT_BUCKET_NAME: 'same' },
      /DRAFT_BUCKET_NAME must differ from BUCKET_NAME/,
    ],
    [{ MINIO_ENDPOINT: 'http://minio:9000' }, /MINIO_ENDPOINT must be host:port without a scheme/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(messageOf(env as Record<string, string>)).toMatch(message);
  });

  it('reports every bad variable at once', () => {
    const message = messageOf({ HTTP_PORT: '-1', GRPC_PORT: 'x' });
    expect(message).toMatch(/HTTP_PORT/);
    expect(message).toMatch(/GRPC_PORT/);
  });

  it('never shows the secret key when described', () => {
    const described = JSON.stringify(
      describeConfig(loadConfig({ MINIO_SECRET_KEY: 'hunter2-secret' })),
    );
    expect(described).not.toContain('hunter2-secret');
  });

  it('never echoes a secret in an error about another variable', () => {
    expect(messageOf({ MINIO_SECRET_KEY: 'hunter2-secret', HTTP_PORT: 'x' })).not.toContain(
      'hunter2',
    );
  });
});
