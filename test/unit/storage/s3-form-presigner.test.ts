import { loadConfig } from '../../../lambdas/config.js';
import { createS3Client } from '../../../lambdas/storage/s3-client.js';
import { S3FormPresigner } from '../../../lambdas/storage/s3-form-presigner.js';

describe('S3FormPresigner.presignPost', () => {
  const config = loadConfig({
    STORAGE_TYPE: 'minio',
    MINIO_ENDPOINT: '127.0.0.1:9',
    BUCKET_NAME: 'main',
  });
  const store = new S3FormPresigner(createS3Client(config));

  it('binds the exact key, the type, the size range and the expiry into the policy', async () => {
    const before = Date.now();
    const { url, fields } = await store.presignPost({
      bucket: 'main-draft',
      key: 'o/a b+c.txt',
      expiresInSeconds: 60,
      contentType: 'text/plain',
      minBytes: 1,
      maxBytes: 1000,
    });

    expect(url).toBe('http://127.0.0.1:9/main-draft');
    expect(fields).toMatchObject({ key: 'o/a b+c.txt', 'Content-Type': 'text/plain' });
    const policy = JSON.parse(Buffer.from(fields.Policy!, 'base64').toString('utf8')) as {
      expiration: string;
      conditions: unknown[];
    };
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', 1, 1000],
        ['eq', '$Content-Type', 'text/plain'],
        { key: 'o/a b+c.txt' },
        { bucket: 'main-draft' },
      ]),
    );
    const expires = Date.parse(policy.expiration);
    expect(expires).toBeGreaterThanOrEqual(before + 59_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 61_000);
  });

  it('pins the exact key even when the key ends in ${filename}, which the library would sign as starts-with', async () => {
    const key = 'o/uploads/${filename}';
    const { fields } = await store.presignPost({
      bucket: 'main-draft',
      key,
      expiresInSeconds: 60,
      contentType: 'text/plain',
      minBytes: 0,
      maxBytes: 1000,
    });
    const policy = JSON.parse(Buffer.from(fields.Policy!, 'base64').toString('utf8')) as {
      conditions: unknown[];
    };
    const keyConditions = policy.conditions.filter((condition) =>
      Array.isArray(condition) ? condition[1] === '$key' : 'key' in (condition as object),
    );
    // Every condition must hold, so the exact one decides whatever else is there.
    expect(keyConditions).toContainEqual({ key });
    expect(fields.key).toBe(key);
  });
});
