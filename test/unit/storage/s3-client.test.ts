import { loadConfig } from '../../../lambdas/config.js';
import { createS3Client } from '../../../lambdas/storage/s3-client.js';

const resolvedHandlerConfig = async (storageType: 's3' | 'minio') => {
  const client = createS3Client(loadConfig({ STORAGE_TYPE: storageType }));
  const handler = client.config.requestHandler as unknown as {
    configProvider: Promise<Record<string, unknown>>;
  };
  const config = await handler.configProvider;
  client.destroy();
  return config;
};

describe('createS3Client', () => {
  it.each(['s3', 'minio'] as const)(
    'bounds connecting and silent sockets for %s, so a hung store cannot hold a handler',
    async (storageType) => {
      expect(await resolvedHandlerConfig(storageType)).toMatchObject({
        connectionTimeout: 5_000,
        socketTimeout: 60_000,
      });
    },
  );

  it('uses path-style addressing and no default checksums against S3-compatible stores', async () => {
    const client = createS3Client(
      loadConfig({ STORAGE_TYPE: 'minio', MINIO_ENDPOINT: 'rgw.local:7480' }),
    );
    expect(client.config.forcePathStyle).toBe(true);
    expect(await client.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(await client.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
    expect(String((await client.config.endpoint?.())?.hostname)).toBe('rgw.local');
    client.destroy();
  });
});
