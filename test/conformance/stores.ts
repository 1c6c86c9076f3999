import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import {
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { loadConfig } from '../../lambdas/config.js';
import { createS3Client } from '../../lambdas/storage/s3-client.js';
import type { LocalRuntimeOptions } from '../../local/runtime.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { RGW_ENV, RGW_SKIPPED_ENV, type RgwInstance } from './global-setup.js';

export type StoreName = 'embedded' | 'rgw';

/** The shared RGW instance, when global-setup started one. */
export const sharedRgw = (): RgwInstance | undefined => {
  const raw = process.env[RGW_ENV];
  return raw === undefined ? undefined : (JSON.parse(raw) as RgwInstance);
};

/** An S3 client straight to the RGW instance, past any proxy the service goes through. */
export const rgwClient = (rgw: RgwInstance): S3Client =>
  createS3Client(
    loadConfig({
      STORAGE_TYPE: 'minio',
      MINIO_ENDPOINT: rgw.endpoint,
      MINIO_ACCESS_KEY: rgw.accessKey,
      MINIO_SECRET_KEY: rgw.secretKey,
      MINIO_REGION: rgw.region,
    }),
  );

/** Every key in the bucket with its ETag, page by page. */
export const listKeys = async (client: S3Client, bucket: string): Promise<Map<string, string>> => {
  const keys = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    for (const entry of page.Contents ?? []) keys.set(entry.Key!, entry.ETag ?? '');
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
};

/** The bucket's unfinished multipart uploads (one page is plenty in a test). */
export const listUploads = async (client: S3Client, bucket: string): Promise<string[]> => {
  const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (page.Uploads ?? []).map((upload) => upload.Key ?? '');
};

/** A bucket name no other run or test file uses. */
export const uniqueBucket = (): string =>
  `conf-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

/**
 * The local runtime (`npm start`) on an RGW instance, with fresh buckets that
 * ensureBucket creates (Block Public Access, CORS), on free ports.
 */
export const startRgwRuntime = async (
  rgw: RgwInstance,
  env: Record<string, string> = {},
  options: Partial<LocalRuntimeOptions> = {},
): Promise<TestRuntime> =>
  startTestRuntime(
    {
      MINIO_ENDPOINT: rgw.endpoint,
      MINIO_ACCESS_KEY: rgw.accessKey,
      MINIO_SECRET_KEY: rgw.secretKey,
      MINIO_REGION: rgw.region,
      BUCKET_NAME: uniqueBucket(),
      CLEANUP_INTERVAL: '0',
      // No S3_PART_COPY_SOURCE_DECODED_TWICE: the adapter probes how RGW decodes copy sources
      // (docs/store-quirks.md).
      ...env,
    },
    { ...options, embeddedStore: false },
  );

/** The runtime on the named store: the embedded one (s3rver) or the shared RGW. */
export const startStoreRuntime = async (
  store: StoreName,
  env: Record<string, string> = {},
  options: Partial<LocalRuntimeOptions> = {},
): Promise<TestRuntime> => {
  if (store === 'embedded') {
    return startTestRuntime(
      { BUCKET_NAME: uniqueBucket(), CLEANUP_INTERVAL: '0', ...env },
      options,
    );
  }
  const rgw = sharedRgw();
  if (!rgw) throw new Error('no Ceph RGW instance: see global-setup.ts');
  return startRgwRuntime(rgw, env, options);
};

/**
 * `describe` for tests that need Ceph RGW. Without Ceph it is skipped with a visible
 * warning, except in CI (CI=true), where a missing Ceph is a failing test.
 */
export const describeRgw = (name: string, body: () => void): void => {
  const skipped = process.env[RGW_SKIPPED_ENV];
  if (skipped === undefined) {
    describe(`${name} [Ceph RGW]`, body);
  } else if (process.env.CI === 'true') {
    describe(`${name} [Ceph RGW]`, () => {
      it('needs Ceph RGW, which CI must provide', () => {
        throw new Error(`The RGW conformance suite cannot run in CI: ${skipped}`);
      });
    });
  } else {
    console.warn(`SKIPPED (no Ceph RGW): ${name}. ${skipped}`);
    describe.skip(`${name} [Ceph RGW: SKIPPED, ${skipped}]`, body);
  }
};

/** The store legs a parameterised suite runs on: always the embedded store, and RGW when present. */
export const storeLegs = (): StoreName[] => ['embedded', 'rgw'];

/** Runs `body` once per store; the RGW leg goes through describeRgw. */
export const describeEachStore = (name: string, body: (store: StoreName) => void): void => {
  describe(`${name} [embedded store]`, () => body('embedded'));
  describeRgw(name, () => body('rgw'));
};

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  /** The S3 error code (`<Code>` of the XML error body), if any. */
  readonly code?: string;
}

/**
 * One HTTP request with exactly the given headers (no Content-Length or type added
 * behind our back, unlike fetch), and the S3 error code parsed from the answer.
 */
export const rawRequest = (
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<RawResponse> =>
  new Promise((done, fail) => {
    const req = request(url, { method: options.method, headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const code = /<Code>([^<]+)<\/Code>/.exec(body.toString('utf8'))?.[1];
        done({ status: res.statusCode ?? 0, headers: res.headers, body, ...(code && { code }) });
      });
    });
    req.on('error', fail);
    req.end(options.body);
  });

/** PUTs `body` to a presigned URL with the given headers and an honest Content-Length. */
export const putWith = (url: string, headers: Record<string, string>, body: Buffer | string) =>
  rawRequest(url, {
    method: 'PUT',
    headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    body,
  });

/** POSTs a multipart form: the policy fields first, then the file, as browsers do. */
export const postForm = async (
  url: string,
  fields: Record<string, string>,
  file: Buffer | string,
): Promise<RawResponse> => {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([file]), 'upload.bin');
  const response = await fetch(url, { method: 'POST', body: form });
  const body = Buffer.from(await response.arrayBuffer());
  const code = /<Code>([^<]+)<\/Code>/.exec(body.toString('utf8'))?.[1];
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body,
    ...(code && { code }),
  };
};
