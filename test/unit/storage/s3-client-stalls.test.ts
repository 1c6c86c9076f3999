import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../lambdas/config.js';
import { Cleaner } from '../../../lambdas/core/cleaner.js';
import { createS3Client, S3_CLIENT_TIMEOUTS } from '../../../lambdas/storage/s3-client.js';
import { S3ObjectStore } from '../../../lambdas/storage/s3-object-store.js';

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const LISTING =
  `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="${XMLNS}"><Name>draft</Name>` +
  '<Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>' +
  '<Contents><Key>old.bin</Key><LastModified>2020-01-01T00:00:00.000Z</LastModified>' +
  '<ETag>"0cc175b9c0f1b6a831c399e269772661"</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass>' +
  '</Contents></ListBucketResult>';
const NO_UPLOADS =
  `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult xmlns="${XMLNS}">` +
  '<Bucket>draft</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>' +
  '<MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>';

/**
 * A store that answers listings but stalls on what `stall` picks: it either never answers,
 * or sends the headers and the start of a streamed body and then goes silent, as a gateway
 * that died behind a proxy does. The sockets stay open until the test closes the server.
 */
const startStallingStore = async (
  stall: (request: IncomingMessage) => 'silent' | 'mid-body' | undefined,
): Promise<{ endpoint: string; stalled: () => number; close: () => Promise<void> }> => {
  let stalled = 0;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    const how = stall(request);
    if (how !== undefined) {
      stalled += 1;
      if (how === 'mid-body') {
        response.writeHead(200, { 'content-type': 'application/xml' });
        response.write(`<?xml version="1.0" encoding="UTF-8"?><DeleteResult xmlns="${XMLNS}">`);
      }
      return;
    }
    response.writeHead(200, { 'content-type': 'application/xml' });
    response.end(request.url?.includes('uploads') ? NO_UPLOADS : LISTING);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    stalled: () => stalled,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** The production client, with its idle-socket timeout shortened so the test stays quick. */
const storeFor = (endpoint: string) => {
  const client = createS3Client(
    loadConfig({ STORAGE_TYPE: 'minio', MINIO_ENDPOINT: endpoint, MINIO_USE_SSL: 'false' }),
    { requestHandler: { ...S3_CLIENT_TIMEOUTS, socketTimeout: 300 } },
  );
  return { client, store: new S3ObjectStore(client) };
};

describe('the S3 client against a store that stops answering', () => {
  let store: Awaited<ReturnType<typeof startStallingStore>> | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('gives up on a request the store never answers, as storage_unavailable', async () => {
    store = await startStallingStore(() => 'silent');
    const { client, store: objects } = storeFor(store.endpoint);
    try {
      await expect(objects.listPage({ bucket: 'draft', maxKeys: 10 })).rejects.toMatchObject({
        code: 'storage_unavailable',
      });
      expect(store.stalled()).toBeGreaterThanOrEqual(1);
    } finally {
      client.destroy();
    }
  });

  it('gives up on an answer whose body stops mid-way, as storage_unavailable', async () => {
    store = await startStallingStore((request) =>
      request.method === 'POST' ? 'mid-body' : undefined,
    );
    const { client, store: objects } = storeFor(store.endpoint);
    try {
      await expect(objects.deleteMany('draft', [{ key: 'old.bin' }])).rejects.toMatchObject({
        code: 'storage_unavailable',
      });
    } finally {
      client.destroy();
    }
  });

  it('lets a sweep whose deletes stall mid-body return, with the draft counted as failed', async () => {
    store = await startStallingStore((request) =>
      request.method === 'POST' ? 'mid-body' : undefined,
    );
    const { client, store: objects } = storeFor(store.endpoint);
    const warnings: string[] = [];
    const cleaner = new Cleaner({
      store: objects,
      bucket: 'draft',
      lifetimeSeconds: 3600,
      maxAttempts: 2,
      sleep: () => Promise.resolve(),
      log: { warn: (message) => warnings.push(message) },
    });
    try {
      const summary = await cleaner.sweep();
      expect(summary).toMatchObject({ scanned: 1, expired: 1, deleted: 0, failed: 1 });
      expect(warnings).toEqual(['Could not delete a batch of expired drafts']);
      // Each of the cleaner's two attempts met the stall (the SDK may retry within each).
      expect(store.stalled()).toBeGreaterThanOrEqual(2);
    } finally {
      client.destroy();
    }
  });
});
