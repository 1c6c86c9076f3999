import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  deployedEnvironment,
  httpAnswer,
  physicalIds,
  USAGE_TABLE_FOR_TESTS,
  type HttpAnswer,
  type LoopbackStore,
} from '../helpers/as-deployed.js';
import {
  deployedFunctions,
  functionUrlTarget,
  readTemplate,
  routeTargets,
  scheduleTargets,
  type DeployedFunction,
} from '../helpers/cdk-out.js';
import { startTestUsageTable, type TestUsageTable } from '../helpers/dynalite.js';
import { invokeBundle } from '../helpers/invoke-bundle.js';
import {
  connectEvent,
  functionUrlRequestEvent,
  httpApiEvent,
  scheduledEvent,
} from '../helpers/lambda-events.js';
import {
  describeRgw,
  listKeys,
  putWith,
  rawRequest,
  rgwClient,
  sharedRgw,
  uniqueBucket,
} from '../conformance/stores.js';

// Every call below runs a cdk.out bundle in a fresh Node 24 process with the environment the
// template gives that function: STORAGE_TYPE=s3 (the AWS code path), with the bucket Refs
// resolved to buckets on Ceph RGW and only region, credentials and AWS_ENDPOINT_URL_S3 added.
const template = readTemplate();
const functions = deployedFunctions(template);
const routes = routeTargets(template, functions);
const connect = functionUrlTarget(template, functions);
const cleanupSchedule = scheduleTargets(template, functions).find(
  ({ fn }) => fn.name === 'Cleanup',
);
if (!cleanupSchedule) throw new Error('the template schedules no Cleanup function');
const schedule = cleanupSchedule;

/**
 * The cleanup test overrides OBJECT_LIFETIME (the template has the stack's default, one day,
 * from the `objectLifetimeSeconds` context): a draft cannot be made a day old on RGW, whose
 * LastModified is the upload time. Nothing else is overridden anywhere.
 */
const TEST_LIFETIME_SECONDS = 10;

jest.setTimeout(180_000);

const bytesOf = async (client: S3Client, bucket: string, key: string): Promise<Buffer> => {
  const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await answer.Body!.transformToByteArray());
};

describeRgw('the cdk.out bundles, each run cold in Node 24 as deployed', () => {
  let s3: S3Client;
  let store: LoopbackStore;
  let usageTable: TestUsageTable;
  const buckets = { mainBucket: uniqueBucket(), draftBucket: uniqueBucket() };
  // The cleanup test sweeps a pair of its own, so nothing the other tests leave counts.
  const sweptBuckets = { mainBucket: uniqueBucket(), draftBucket: uniqueBucket() };
  let expiredSeededAt = 0;

  /** Invokes a function as deployed, on the given buckets. */
  const invoke = async <T>(
    fn: DeployedFunction,
    event: unknown,
    options: { deployment?: typeof buckets; overrides?: Record<string, string> } = {},
  ): Promise<T> => {
    const physical = physicalIds(template, options.deployment ?? buckets);
    const { result } = await invokeBundle<T>({
      bundle: fn.bundle,
      event,
      env: deployedEnvironment(fn, physical, store, options.overrides),
      functionName: fn.name,
      timeoutMs: fn.timeoutSeconds * 1000,
    });
    return result;
  };

  /** An HTTP API request: API Gateway picks the function by the template's route. */
  const call = async (routeKey: string, body?: unknown): Promise<HttpAnswer> => {
    const fn = routes.get(routeKey);
    if (!fn) throw new Error(`the template has no route ${routeKey}`);
    const [method, path] = routeKey.split(' ') as ['GET' | 'POST', string];
    return httpAnswer(
      await invoke<APIGatewayProxyStructuredResultV2>(fn, httpApiEvent(method, path, body)),
    );
  };

  beforeAll(async () => {
    const rgw = sharedRgw()!;
    s3 = rgwClient(rgw);
    // The usage table the stack creates, in dynalite: confirm and upload-url use it.
    usageTable = await startTestUsageTable(USAGE_TABLE_FOR_TESTS);
    store = {
      endpoint: `http://${rgw.endpoint}`,
      accessKey: rgw.accessKey,
      secretKey: rgw.secretKey,
      region: rgw.region,
      dynamoDbEndpoint: usageTable.endpoint,
    };
    // In AWS the stack creates the buckets; the functions only verify them.
    for (const bucket of [...Object.values(buckets), ...Object.values(sweptBuckets)]) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    }
    // Seeded first, so that it has aged past the test lifetime by the time cleanup runs.
    await s3.send(
      new PutObjectCommand({
        Bucket: sweptBuckets.draftBucket,
        Key: 'anonymous/sweep/expired.bin',
        Body: 'expired',
      }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: sweptBuckets.mainBucket,
        Key: 'anonymous/sweep/confirmed.bin',
        Body: 'confirmed long ago',
      }),
    );
    expiredSeededAt = Date.now();
  });

  afterAll(async () => {
    s3?.destroy();
    await usageTable?.close();
  });

  it('uploads, previews, confirms and downloads through upload-url, download-url and confirm-upload', async () => {
    // Prepare
    const bytes = randomBytes(3000);
    const name = 'deployed/report.bin';
    const key = `anonymous/${name}`;

    // Act: ask for a URL, then PUT to RGW with exactly the signed headers.
    const upload = await call('POST /api/v1/upload-url', {
      object_name: name,
      content_type: 'application/octet-stream',
      content_length: bytes.length,
    });
    expect({ status: upload.statusCode, body: upload.json() }).toEqual({
      status: 200,
      body: expect.objectContaining({ method: 'PUT', object_name: name }),
    });
    const { upload_url, headers } = upload.json() as {
      upload_url: string;
      headers: Record<string, string>;
    };
    // Path-style on the loopback endpoint: the SDK's AWS code path, with no store option.
    expect(upload_url.startsWith(`${store.endpoint}/${buckets.draftBucket}/${key}?`)).toBe(true);
    const put = await putWith(upload_url, headers, bytes);
    expect({ status: put.status, code: put.code }).toEqual({ status: 200, code: undefined });

    const preview = await call('POST /api/v1/download-url', { object_name: name });
    expect(preview.statusCode).toBe(200);
    const previewed = await rawRequest((preview.json() as { download_url: string }).download_url, {
      method: 'GET',
    });

    const confirm = await call('POST /api/v1/confirm-upload', { object_name: name });
    const download = await call('POST /api/v1/download-url', { object_name: name, stage: 'main' });
    const downloaded = await rawRequest(
      (download.json() as { download_url: string }).download_url,
      { method: 'GET' },
    );

    // Assess
    expect({ status: previewed.status, same: previewed.body.equals(bytes) }).toEqual({
      status: 200,
      same: true,
    });
    expect({ status: confirm.statusCode, body: confirm.json() }).toEqual({
      status: 200,
      body: expect.objectContaining({
        success: true,
        object_name: name,
        size: bytes.length,
        content_type: 'application/octet-stream',
      }),
    });
    expect((await bytesOf(s3, buckets.mainBucket, key)).equals(bytes)).toBe(true);
    expect([...(await listKeys(s3, buckets.draftBucket)).keys()]).not.toContain(key);
    expect({ status: downloaded.status, same: downloaded.body.equals(bytes) }).toEqual({
      status: 200,
      same: true,
    });
  });

  it('serves the original routes (/api/v1/draft/*) through the compat bundles', async () => {
    // Prepare
    const bytes = randomBytes(700);
    const name = 'deployed/compat.bin';
    const key = `anonymous/${name}`;

    // Act: as an original client does it, declaring nothing.
    const bucket = await call('POST /api/v1/draft/bucket', {});
    const upload = await call('POST /api/v1/draft/upload-url', { object_name: name });
    const { url: uploadUrl, headers } = upload.json() as {
      url: string;
      headers: Record<string, string>;
    };
    const put = await putWith(uploadUrl, headers, bytes);
    const preview = await call('POST /api/v1/draft/download-url', { object_name: name });
    const previewed = await rawRequest((preview.json() as { url: string }).url, { method: 'GET' });
    const confirm = await call('POST /api/v1/draft/confirm', { object_name: name });
    // Without a stage, the original route falls back to the confirmed object.
    const download = await call('POST /api/v1/draft/download-url', { object_name: name });
    const downloaded = await rawRequest((download.json() as { url: string }).url, {
      method: 'GET',
    });

    // Assess
    expect({ status: bucket.statusCode, body: bucket.json() }).toEqual({
      status: 200,
      body: { result: { success: true } },
    });
    expect({ status: upload.statusCode, headers }).toEqual({ status: 200, headers: {} });
    expect(put.status).toBe(200);
    expect({ status: previewed.status, same: previewed.body.equals(bytes) }).toEqual({
      status: 200,
      same: true,
    });
    expect({ status: confirm.statusCode, body: confirm.json() }).toEqual({
      status: 200,
      body: { result: { success: true } },
    });
    expect((await bytesOf(s3, buckets.mainBucket, key)).equals(bytes)).toBe(true);
    expect({ status: downloaded.status, same: downloaded.body.equals(bytes) }).toEqual({
      status: 200,
      same: true,
    });
  });

  it('answers a Connect (JSON) GetUploadURL through the function URL bundle', async () => {
    // Prepare
    const bytes = randomBytes(512);
    const name = 'deployed/connect.bin';

    // Act
    const answer = httpAnswer(
      await invoke<APIGatewayProxyStructuredResultV2>(
        connect,
        connectEvent('GetUploadURL', {
          objectName: name,
          contentType: 'application/octet-stream',
          contentLength: String(bytes.length),
        }),
      ),
    );
    const reply = answer.json() as { url: string; method: string; headers: Record<string, string> };
    const put = await putWith(reply.url, reply.headers, bytes);

    // Assess
    expect({ status: answer.statusCode, type: answer.headers['content-type'] }).toEqual({
      status: 200,
      type: 'application/json',
    });
    expect({ method: reply.method, headers: reply.headers }).toEqual({
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-length': '512' },
    });
    expect(put.status).toBe(200);
    expect((await bytesOf(s3, buckets.draftBucket, `anonymous/${name}`)).equals(bytes)).toBe(true);
  });

  it('answers compressed Connect and gRPC-web calls through the function URL bundle, as npm start does', async () => {
    // Prepare: what connect-es `sendCompression` and gRPC-web clients send.
    const json = JSON.stringify({ objectName: 'deployed/zipped.txt' });
    const message = Buffer.concat([Buffer.from([0x0a, 19]), Buffer.from('deployed/zipped.txt')]);
    const frame = (payload: Buffer) => {
      const header = Buffer.alloc(5);
      header[0] = 1; // compressed
      header.writeUInt32BE(payload.length, 1);
      return Buffer.concat([header, payload]);
    };
    const send = async (headers: Record<string, string>, body: Uint8Array) =>
      httpAnswer(
        await invoke<APIGatewayProxyStructuredResultV2>(
          connect,
          functionUrlRequestEvent('GetUploadURL', { headers, body }),
        ),
      );

    // Act
    const gzipJson = await send({ 'content-encoding': 'gzip' }, gzipSync(json));
    const brJson = await send({ 'content-encoding': 'br' }, brotliCompressSync(json));
    const grpcWeb = await send(
      { 'content-type': 'application/grpc-web+proto', 'grpc-encoding': 'gzip' },
      frame(gzipSync(message)),
    );
    // 64 MiB of spaces in about 64 KiB of gzip: refused past the 1 MiB request limit.
    const bomb = await send(
      { 'content-encoding': 'gzip' },
      gzipSync(Buffer.alloc(64 * 1024 ** 2, 0x20)),
    );

    // Assess
    for (const answer of [gzipJson, brJson]) {
      expect({ status: answer.statusCode, body: answer.json() }).toEqual({
        status: 200,
        body: expect.objectContaining({ objectName: 'deployed/zipped.txt' }),
      });
    }
    expect(grpcWeb.statusCode).toBe(200);
    expect(grpcWeb.body.toString('latin1')).toMatch(/grpc-status: ?0\r\n/);
    expect(grpcWeb.body.includes(Buffer.from('deployed/zipped.txt'))).toBe(true);
    expect({ status: bomb.statusCode, code: (bomb.json() as { code: string }).code }).toEqual({
      status: 429,
      code: 'resource_exhausted',
    });
  });

  it('reports both buckets reachable through the health bundle', async () => {
    const health = await call('GET /health');

    expect({ status: health.statusCode, body: health.json() }).toEqual({
      status: 200,
      body: expect.objectContaining({ status: 'ok' }),
    });
  });

  it('sweeps an expired draft, and only it, through the cleanup bundle on its schedule', async () => {
    // Prepare: the seeded draft is past the test lifetime; a fresh one is well within it.
    const aged = (TEST_LIFETIME_SECONDS + 2) * 1000 - (Date.now() - expiredSeededAt);
    if (aged > 0) await new Promise((done) => setTimeout(done, aged));
    await s3.send(
      new PutObjectCommand({
        Bucket: sweptBuckets.draftBucket,
        Key: 'anonymous/sweep/fresh.bin',
        Body: 'fresh',
      }),
    );

    // Act: what the schedule rule sends (its constant input, or EventBridge's own event).
    const summary = await invoke<Record<string, unknown>>(
      schedule!.fn,
      schedule!.input ?? scheduledEvent(),
      {
        deployment: sweptBuckets,
        overrides: { OBJECT_LIFETIME: String(TEST_LIFETIME_SECONDS) },
      },
    );

    // Assess
    expect(summary).toEqual(
      expect.objectContaining({ scanned: 2, expired: 1, deleted: 1, failed: 0, complete: true }),
    );
    expect([...(await listKeys(s3, sweptBuckets.draftBucket)).keys()]).toEqual([
      'anonymous/sweep/fresh.bin',
    ]);
    expect([...(await listKeys(s3, sweptBuckets.mainBucket)).keys()]).toEqual([
      'anonymous/sweep/confirmed.bin',
    ]);
  });
});
