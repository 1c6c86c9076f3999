import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { s3BucketCreator } from '../../lambdas/storage/s3-bucket-setup.js';
import { s3FormPresigner } from '../../lambdas/storage/s3-form-presigner.js';
import { composeServices } from '../../lambdas/compose.js';
import { loadConfig } from '../../lambdas/config.js';
import { startLocalHttpServer, type LocalHttpServer } from '../../local/http-server.js';

/** A port that was free a moment ago, so nothing answers there. */
const deadPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

describe('when the store is unreachable', () => {
  let server: LocalHttpServer;
  let destroy: () => void;
  const secret = 'do-not-leak-this-secret';

  beforeAll(async () => {
    const config = loadConfig({
      STORAGE_TYPE: 'minio',
      MINIO_ENDPOINT: `127.0.0.1:${await deadPort()}`,
      MINIO_SECRET_KEY: secret,
    });
    // As the local runtime composes them: with form uploads and bucket creation.
    const services = composeServices(config, {
      forms: s3FormPresigner,
      bucketCreator: s3BucketCreator(),
    });
    destroy = () => services.client.destroy();
    server = await startLocalHttpServer({
      host: '127.0.0.1',
      port: 0,
      resolve: () => services,
      emulateJwtAuthorizer: false,
    });
  });
  afterAll(async () => {
    await server.close();
    destroy();
  });

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  };

  it('reports 503 from /health, naming no internals', async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'unavailable',
      buckets: { draft: 'unavailable', main: 'unavailable' },
    });
  });

  it('answers confirm and download with 503 storage_unavailable, never 500', async () => {
    for (const [path, body] of [
      ['/api/v1/confirm-upload', { object_name: 'a.txt' }],
      ['/api/v1/download-url', { object_name: 'a.txt' }],
    ] as const) {
      const response = await post(path, body);
      expect(`${response.status} ${response.text}`).toMatch(/^503 /);
      expect(JSON.parse(response.text).error.code).toBe('storage_unavailable');
      expect(response.text).not.toContain(secret);
      expect(response.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|main-draft/);
    }
  });
});
