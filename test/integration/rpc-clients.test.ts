import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { DeleteBucketCommand } from '@aws-sdk/client-s3';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { logger } from '../../lambdas/observability/logger.js';
import {
  startTestRuntime,
  type TestRuntime,
  useQuietTestRuntime,
} from '../helpers/local-runtime.js';
import { putPresigned, sha256 } from '../helpers/uploads.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BASELINE_PROTO = join(ROOT, 'proto', 'baseline', 'draft', 'v1', 'draft.proto');
const BUF = join(ROOT, 'node_modules', '.bin', 'buf');

const putBytes = async (url: string, body: Uint8Array, headers: Record<string, string> = {}) => {
  const response = await putPresigned(url, body, headers);
  expect(response.status).toBe(200);
};

const download = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());

describe('draft.v1 on the local runtime, with clients nobody here wrote', () => {
  let api: TestRuntime;
  useQuietTestRuntime((started) => (api = started));

  it('binds GRPC_PORT 0 to a free port and reports it', () => {
    expect(api.grpcPort).toBeGreaterThan(0);
    expect(api.grpcUrl).toBe(`http://127.0.0.1:${api.grpcPort}`);
  });

  describe('@grpc/grpc-js over HTTP/2, loading the ORIGINAL baseline proto', () => {
    let client: grpc.Client & Record<string, any>;

    beforeAll(() => {
      const definition = protoLoader.loadSync(BASELINE_PROTO, {
        keepCase: true,
        enums: String,
        defaults: true,
      });
      const loaded = grpc.loadPackageDefinition(definition) as any;
      client = new loaded.draft.v1.DraftService(
        `127.0.0.1:${api.grpcPort}`,
        grpc.credentials.createInsecure(),
      );
    });
    afterAll(() => client.close());

    const call = (method: string, request: object): Promise<any> =>
      new Promise((resolve, reject) => {
        client[method](request, (error: grpc.ServiceError | null, response: unknown) =>
          error ? reject(error) : resolve(response),
        );
      });
    const failure = async (method: string, request: object): Promise<grpc.ServiceError> => {
      try {
        await call(method, request);
      } catch (error) {
        return error as grpc.ServiceError;
      }
      throw new Error(`${method} succeeded`);
    };

    it('runs the whole flow: ensure buckets, upload URL, PUT, download URL, confirm', async () => {
      // Prepare
      const body = new Uint8Array(Buffer.from(`grpc-js bytes ${Math.random()}`));
      const name = 'grpc-js/report one.bin';

      // Act
      const ensured = await call('CreateDraftBucket', {});
      const upload = await call('GetUploadURL', { object_name: name });
      await putBytes(upload.url, body);
      const preview = await call('GetDownloadURL', { object_name: name });
      const previewBytes = await download(preview.url);
      const confirmed = await call('ConfirmUpload', { object_name: name });
      const again = await call('ConfirmUpload', { object_name: name });

      // Assess: the original fields only, decoded by the original contract.
      expect(ensured).toEqual({
        result: { success: true, error_message: '', error_type: 'ERROR_TYPE_UNSPECIFIED' },
      });
      expect(upload.result.success).toBe(true);
      expect(new URL(upload.url).pathname).toBe('/main-draft/anonymous/grpc-js/report%20one.bin');
      expect(sha256(previewBytes)).toBe(sha256(body));
      expect(confirmed.result.success).toBe(true);
      expect(again.result.success).toBe(true);
    });

    it('downloads what it confirmed with the original request (no stage): the main object', async () => {
      // Prepare
      const body = new Uint8Array(Buffer.from(`confirmed bytes ${Math.random()}`));
      const name = 'grpc-js/confirmed.bin';
      await putBytes((await call('GetUploadURL', { object_name: name })).url, body);
      await call('ConfirmUpload', { object_name: name });

      // Act
      const signed = await call('GetDownloadURL', { object_name: name });

      // Assess: the original server signed the main bucket here.
      expect(signed.result.success).toBe(true);
      expect(new URL(signed.url).pathname).toBe('/main/anonymous/grpc-js/confirmed.bin');
      expect(sha256(await download(signed.url))).toBe(sha256(body));
    });

    it('still answers NOT_FOUND with no stage when neither a draft nor a confirmed object exists', async () => {
      const error = await failure('GetDownloadURL', { object_name: 'nowhere.bin' });

      expect(error.code).toBe(grpc.status.NOT_FOUND);
      expect(error.details).toBe('No draft named "nowhere.bin".');
    });

    it('answers NOT_FOUND for a missing object, with the message and draft.v1.Result details', async () => {
      const error = await failure('ConfirmUpload', { object_name: 'never-uploaded.txt' });

      expect(error.code).toBe(grpc.status.NOT_FOUND);
      expect(error.details).toBe('No draft named "never-uploaded.txt".');
      expect(error.metadata.get('grpc-status-details-bin')).toHaveLength(1);
    });

    it('answers INVALID_ARGUMENT for a bad name', async () => {
      const error = await failure('GetUploadURL', { object_name: '../escape.txt' });

      expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(error.details).toMatch(/"\.\."/);
    });
  });

  describe.each([
    ['grpc', 'HTTP/2 (h2c) on GRPC_PORT', () => api.grpcUrl, ['--http2-prior-knowledge']],
    ['grpcweb', 'HTTP/1.1 on HTTP_PORT', () => api.apiUrl, []],
    ['connect', 'HTTP/2 (h2c) on GRPC_PORT', () => api.grpcUrl, ['--http2-prior-knowledge']],
    ['connect', 'HTTP/1.1 on HTTP_PORT', () => api.apiUrl, []],
  ])('buf curl --protocol %s over %s', (protocol, _transport, baseUrl, flags) => {
    /** Runs buf curl; resolves its JSON answer, or rejects with its JSON error. */
    const curl = (method: string, request: object): Promise<any> =>
      new Promise((resolve, reject) => {
        execFile(
          BUF,
          [
            'curl',
            '--schema',
            'proto',
            '--protocol',
            protocol,
            ...flags,
            '--data',
            JSON.stringify(request),
            `${baseUrl()}/draft.v1.DraftService/${method}`,
          ],
          { cwd: ROOT },
          (error, stdout, stderr) =>
            error
              ? reject(Object.assign(JSON.parse(stderr.trim() || '{}'), { exitCode: error.code }))
              : resolve(JSON.parse(stdout)),
        );
      });
    const failure = async (method: string, request: object): Promise<any> => {
      try {
        await curl(method, request);
      } catch (error) {
        return error;
      }
      throw new Error(`${method} succeeded`);
    };

    it('runs the whole flow with the extended fields', async () => {
      const body = new Uint8Array(Buffer.from(`${protocol} bytes ${Math.random()}`));
      const name = `buf-curl/${protocol}-${baseUrl() === api.apiUrl ? 'h1' : 'h2'}.txt`;

      const ensured = await curl('CreateDraftBucket', {});
      const upload = await curl('GetUploadURL', {
        object_name: name,
        content_type: 'text/plain',
        content_length: body.length,
      });
      await putBytes(upload.url, body, upload.headers);
      const preview = await curl('GetDownloadURL', { object_name: name });
      const previewBytes = await download(preview.url);
      const confirmed = await curl('ConfirmUpload', { object_name: name });
      const main = await curl('GetDownloadURL', { object_name: name, stage: 'STAGE_MAIN' });
      const mainBytes = await download(main.url);
      const unset = await curl('GetDownloadURL', { object_name: name });
      const draftOnly = await failure('GetDownloadURL', {
        object_name: name,
        stage: 'STAGE_DRAFT',
      });

      expect(ensured).toEqual({
        result: { success: true },
        draftBucket: 'BUCKET_STATE_OK',
        mainBucket: 'BUCKET_STATE_OK',
      });
      expect(upload).toMatchObject({
        result: { success: true },
        method: 'PUT',
        headers: { 'content-type': 'text/plain', 'content-length': String(body.length) },
        objectName: name,
      });
      expect(Date.parse(upload.expiresAt)).toBeGreaterThan(Date.now());
      expect(preview.stage).toBe('STAGE_DRAFT');
      expect(sha256(previewBytes)).toBe(sha256(body));
      expect(confirmed).toEqual({
        result: { success: true },
        finalLocation: `main/anonymous/${name}`,
        size: String(body.length),
        etag: expect.stringMatching(/^[0-9a-f]{32}$/),
        contentType: 'text/plain',
        objectName: name,
      });
      expect(main.stage).toBe('STAGE_MAIN');
      expect(sha256(mainBytes)).toBe(sha256(body));
      // Stage unset falls back to main once the draft is gone; an explicit draft does not.
      expect(unset.stage).toBe('STAGE_MAIN');
      expect(sha256(await download(unset.url))).toBe(sha256(body));
      expect(draftOnly).toMatchObject({ code: 'not_found', message: `No draft named "${name}".` });
    }, 60_000);

    it('reports not_found for a missing object and invalid_argument for a bad name', async () => {
      const missing = await failure('GetDownloadURL', { object_name: 'nothing-here.txt' });
      const badName = await failure('GetUploadURL', { object_name: 'a//b' });

      expect(missing).toMatchObject({
        code: 'not_found',
        message: 'No draft named "nothing-here.txt".',
        details: [{ type: 'draft.v1.Result' }],
      });
      expect(badName).toMatchObject({
        code: 'invalid_argument',
        details: [{ type: 'draft.v1.Result' }],
      });
    }, 30_000);
  });
});

describe('CreateDraftBucket on an empty store', () => {
  let api: TestRuntime;

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    api = await startTestRuntime();
    // Start from nothing: remove the buckets the embedded store made at start-up.
    for (const Bucket of [api.config.buckets.draft, api.config.buckets.main]) {
      await api.services.client.send(new DeleteBucketCommand({ Bucket }));
    }
  });
  afterAll(async () => {
    await api.stop();
  });

  it('is idempotent and safe to race', async () => {
    const definition = protoLoader.loadSync(BASELINE_PROTO, { keepCase: true, defaults: true });
    const loaded = grpc.loadPackageDefinition(definition) as any;
    const client = new loaded.draft.v1.DraftService(
      `127.0.0.1:${api.grpcPort}`,
      grpc.credentials.createInsecure(),
    );
    const ensure = () =>
      new Promise<any>((resolve, reject) =>
        client.CreateDraftBucket({}, (error: Error | null, response: unknown) =>
          error ? reject(error) : resolve(response),
        ),
      );

    const before = await api.services.drafts.health();
    const racing = await Promise.all([ensure(), ensure(), ensure(), ensure()]);
    const later = await ensure();
    client.close();

    expect(before.healthy).toBe(false);
    expect(racing.every((response) => response.result.success === true)).toBe(true);
    expect(later.result.success).toBe(true);
    expect((await api.services.drafts.health()).healthy).toBe(true);
  });
});
