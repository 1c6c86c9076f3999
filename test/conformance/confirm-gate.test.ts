import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { jest } from '@jest/globals';
import { REJECTION_REASON_HEADER } from '../../lambdas/core/errors.js';
import { logger } from '../../lambdas/observability/logger.js';
import { jpeg, png, SAMPLES } from '../helpers/content-samples.js';
import type { TestRuntime } from '../helpers/local-runtime.js';
import { uploadInParts } from '../helpers/multipart.js';
import { describeEachStore, postForm, putWith, startStoreRuntime } from './stores.js';

// Confirm as a gate (docs/confirm-checks.md): every path into the draft bucket, confirmed on
// every surface, through the real handlers on a real store.

jest.setTimeout(120_000);

const CURRENT_PROTO = join(import.meta.dirname, '..', '..', 'proto', 'draft', 'v1', 'draft.proto');

type Path = 'put' | 'form' | 'multipart';
type Surface = 'rest' | 'original' | 'connect';

describeEachStore('confirm refuses bytes that are not their declared type', (store) => {
  let api: TestRuntime;

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    api = await startStoreRuntime(store, { CONTENT_SNIFFING: 'strict' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  const upload = async (path: Path, name: string, body: Buffer, contentType: string) => {
    if (path === 'put') {
      const ticket = await api.post('/api/v1/upload-url', {
        object_name: name,
        content_type: contentType,
        content_length: body.length,
      });
      expect(ticket.status).toBe(200);
      expect((await putWith(ticket.json.upload_url, ticket.json.headers, body)).status).toBe(200);
    } else if (path === 'form') {
      const form = await api.post('/api/v1/upload-form', {
        object_name: name,
        content_type: contentType,
      });
      expect(form.status).toBe(200);
      expect([200, 204]).toContain((await postForm(form.json.url, form.json.fields, body)).status);
    } else {
      const done = await uploadInParts(api, name, body, { contentType });
      expect(done.completed.status).toBe(200);
    }
  };

  /** Confirms on one surface; answers the status, the reason and the body. */
  const confirm = async (surface: Surface, name: string) => {
    const [route, body] =
      surface === 'rest'
        ? ['/api/v1/confirm-upload', { object_name: name }]
        : surface === 'original'
          ? ['/api/v1/draft/confirm', { object_name: name }]
          : ['/draft.v1.DraftService/ConfirmUpload', { objectName: name }];
    const response = await fetch(`${api.apiUrl}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      reason: response.headers.get(REJECTION_REASON_HEADER),
      json: (await response.json()) as any,
    };
  };

  const draftInfo = (name: string) =>
    api.post('/api/v1/object-info', { object_name: name, stage: 'draft' });
  const mainInfo = (name: string) =>
    api.post('/api/v1/object-info', { object_name: name, stage: 'main' });

  const legs: [Path, Surface][] = [
    ['put', 'rest'],
    ['form', 'original'],
    ['multipart', 'connect'],
    ['put', 'connect'],
    ['multipart', 'rest'],
  ];

  it.each(legs)(
    'refuses a Windows executable uploaded as image/png (%s, confirmed over %s) and keeps the draft',
    async (path, surface) => {
      const name = `exe-${path}-${surface}.png`;
      await upload(path, name, SAMPLES.exe, 'image/png');
      const refused = await confirm(surface, name);
      expect(refused.reason).toBe('type_mismatch');
      if (surface === 'rest') {
        expect(refused).toMatchObject({
          status: 422,
          json: {
            error: {
              code: 'content_rejected',
              reason: 'type_mismatch',
              detected_type: 'application/x-msdownload',
              message:
                'The draft is declared image/png but is an executable (application/x-msdownload); executables are never confirmed.',
            },
          },
        });
      } else if (surface === 'original') {
        expect(refused.status).toBe(422);
        expect(refused.json.result.error_type).toBe(0);
      } else {
        expect(refused.status).toBe(400);
        expect(refused.json.code).toBe('failed_precondition');
      }
      // Never reaches main; the draft is kept, bytes and all, for the sweep.
      expect((await mainInfo(name)).status).toBe(404);
      expect((await draftInfo(name)).json.size).toBe(SAMPLES.exe.length);
    },
  );

  it.each(legs)('confirms a real PNG as image/png (%s, over %s)', async (path, surface) => {
    const name = `ok-${path}-${surface}.png`;
    await upload(path, name, SAMPLES.png, 'image/png');
    expect((await confirm(surface, name)).status).toBe(200);
    expect((await mainInfo(name)).json).toMatchObject({
      size: SAMPLES.png.length,
      content_type: 'image/png',
    });
  });

  it('refuses an HTML page uploaded as text/plain, and confirms the same page as text/html', async () => {
    await upload('put', 'page.txt', SAMPLES.html, 'text/plain');
    expect(await confirm('rest', 'page.txt')).toMatchObject({
      status: 422,
      json: { error: { reason: 'type_mismatch', detected_type: 'text/html' } },
    });
    await upload('put', 'page.html', SAMPLES.html, 'text/html');
    expect((await confirm('rest', 'page.html')).status).toBe(200);
  });

  it('confirms a draft re-uploaded with the right bytes after a refusal', async () => {
    await upload('put', 'again.png', SAMPLES.text, 'image/png');
    expect((await confirm('rest', 'again.png')).status).toBe(422);
    await upload('put', 'again.png', SAMPLES.png, 'image/png');
    expect((await confirm('rest', 'again.png')).status).toBe(200);
  });

  it('passes anything but executables and markup as application/octet-stream', async () => {
    await upload('put', 'blob.bin', SAMPLES.png, 'application/octet-stream');
    expect((await confirm('rest', 'blob.bin')).status).toBe(200);
    await upload('put', 'blob.html', SAMPLES.html, 'application/octet-stream');
    expect((await confirm('rest', 'blob.html')).json.error.reason).toBe('type_mismatch');
  });
});

describeEachStore('confirm holds images to their limits', (store) => {
  let api: TestRuntime;

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    api = await startStoreRuntime(store, { CONTENT_SNIFFING: 'strict', IMAGE_MAX_WIDTH: '5000' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  const put = async (name: string, body: Buffer, contentType: string) => {
    const ticket = await api.post('/api/v1/upload-url', {
      object_name: name,
      content_type: contentType,
      content_length: body.length,
    });
    expect((await putWith(ticket.json.upload_url, ticket.json.headers, body)).status).toBe(200);
  };

  it('refuses a 40,000 × 40,000 PNG (a decompression bomb) as image_too_large on every surface', async () => {
    await put('bomb.png', png(40_000, 40_000), 'image/png');
    expect(await api.post('/api/v1/confirm-upload', { object_name: 'bomb.png' })).toEqual({
      status: 422,
      json: {
        error: {
          code: 'content_rejected',
          reason: 'image_too_large',
          message: 'The image is 40000 × 40000: wider than 5000 pixels.',
        },
      },
    });
    const original = await api.post('/api/v1/draft/confirm', { object_name: 'bomb.png' });
    expect(original.status).toBe(422);
    const connect = await api.post('/draft.v1.DraftService/ConfirmUpload', {
      objectName: 'bomb.png',
    });
    expect(connect.json.code).toBe('failed_precondition');
    expect((await api.post('/api/v1/object-info', { object_name: 'bomb.png' })).status).toBe(404);
  });

  it('refuses a truncated PNG as image_unreadable, never a 5xx', async () => {
    await put('cut.png', png(64, 64).subarray(0, 20), 'image/png');
    const refused = await api.post('/api/v1/confirm-upload', { object_name: 'cut.png' });
    expect(refused.status).toBe(422);
    expect(refused.json.error.reason).toBe('image_unreadable');
  });

  it('confirms a JPEG whose header lies past the first read, with its size in the answer and in object-info', async () => {
    await put('photo.jpg', jpeg(4000, 3000, 100_000), 'image/jpeg');
    const confirmed = await api.post('/api/v1/confirm-upload', { object_name: 'photo.jpg' });
    expect(confirmed.json).toMatchObject({ success: true, width: 4000, height: 3000 });
    const info = await api.post('/api/v1/object-info', { object_name: 'photo.jpg' });
    expect(info.json).toMatchObject({ width: 4000, height: 3000, metadata: {} });
    // A retried confirm answers from main, the same size included.
    const again = await api.post('/api/v1/confirm-upload', { object_name: 'photo.jpg' });
    expect(again.json).toMatchObject({ success: true, width: 4000, height: 3000 });
  });

  describe('draft.v1 answers the size in ConfirmUploadResponse', () => {
    let client: grpc.Client & Record<string, any>;

    beforeAll(() => {
      const definition = protoLoader.loadSync(CURRENT_PROTO, { keepCase: true, longs: String });
      const loaded = grpc.loadPackageDefinition(definition) as any;
      client = new loaded.draft.v1.DraftService(
        `127.0.0.1:${api.grpcPort}`,
        grpc.credentials.createInsecure(),
      );
    });
    afterAll(() => client?.close());

    const grpcConfirm = (objectName: string): Promise<any> =>
      new Promise((resolve, reject) => {
        client.ConfirmUpload({ object_name: objectName }, (error: unknown, response: unknown) =>
          error ? reject(error) : resolve(response),
        );
      });

    it('over Connect, first confirm and retry alike', async () => {
      await put('connect.png', png(640, 480), 'image/png');
      for (let attempt = 0; attempt < 2; attempt++) {
        const confirmed = await api.post('/draft.v1.DraftService/ConfirmUpload', {
          objectName: 'connect.png',
        });
        expect(confirmed).toMatchObject({
          status: 200,
          json: { result: { success: true }, width: 640, height: 480 },
        });
      }
    });

    it('over gRPC (HTTP/2, protobuf binary)', async () => {
      await put('grpc.jpg', jpeg(4000, 3000, 100_000), 'image/jpeg');
      expect(await grpcConfirm('grpc.jpg')).toMatchObject({
        object_name: 'grpc.jpg',
        width: 4000,
        height: 3000,
      });
    });

    it('leaves both unset for a file that is not an image', async () => {
      await put('notes.txt', Buffer.from('plain words\n'), 'text/plain');
      const confirmed = await grpcConfirm('notes.txt');
      expect(confirmed).toMatchObject({ object_name: 'notes.txt', size: '12' });
      expect(confirmed.width).toBeUndefined();
      expect(confirmed.height).toBeUndefined();
      const json = (
        await api.post('/draft.v1.DraftService/ConfirmUpload', { objectName: 'notes.txt' })
      ).json;
      expect(json).toMatchObject({ objectName: 'notes.txt' });
      expect(json).not.toHaveProperty('width');
      expect(json).not.toHaveProperty('height');
    });
  });
});

describeEachStore('what a refused draft becomes', (store) => {
  let api: TestRuntime;
  let webhook: Server;
  const events: { 'detail-type': string; detail: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    webhook = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        events.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        response.end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const { port } = webhook.address() as AddressInfo;
    api = await startStoreRuntime(
      store,
      { CONTENT_SNIFFING: 'strict' },
      { eventWebhookUrl: `http://127.0.0.1:${port}/events` },
    );
  });
  afterAll(async () => {
    await api?.stop();
    await new Promise((resolve) => webhook?.close(resolve));
  });

  const put = async (name: string, body: Buffer, contentType: string) => {
    const ticket = await api.post('/api/v1/upload-url', {
      object_name: name,
      content_type: contentType,
      content_length: body.length,
    });
    expect((await putWith(ticket.json.upload_url, ticket.json.headers, body)).status).toBe(200);
  };

  it('stays a draft that no download-url signs, publishes draftstore.object.rejected, and a re-upload is judged afresh', async () => {
    await put('refused/evil.png', SAMPLES.exe, 'image/png');
    expect(
      (await api.post('/api/v1/download-url', { object_name: 'refused/evil.png' })).status,
    ).toBe(200);
    expect(
      (await api.post('/api/v1/confirm-upload', { object_name: 'refused/evil.png' })).status,
    ).toBe(422);

    // Every surface refuses to sign the refused draft, with the reason.
    expect(await api.post('/api/v1/download-url', { object_name: 'refused/evil.png' })).toEqual({
      status: 422,
      json: {
        error: {
          code: 'content_rejected',
          reason: 'type_mismatch',
          message:
            'Confirm refused the draft "refused/evil.png" (type_mismatch); it cannot be downloaded.',
        },
      },
    });
    expect(
      (await api.post('/api/v1/draft/download-url', { object_name: 'refused/evil.png' })).status,
    ).toBe(422);
    const rpc = await api.post('/draft.v1.DraftService/GetDownloadURL', {
      objectName: 'refused/evil.png',
    });
    expect(rpc.json.code).toBe('failed_precondition');

    const rejected = events.filter(
      (event) => event['detail-type'] === 'draftstore.object.rejected',
    );
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.detail).toEqual({
      owner: 'anonymous',
      object_name: 'refused/evil.png',
      key: 'anonymous/refused/evil.png',
      reason: 'type_mismatch',
      detected_type: 'application/x-msdownload',
      etag: expect.stringMatching(/^[0-9a-f]{32}$/),
    });

    // New bytes under the name: the old verdict does not cover them.
    await put('refused/evil.png', SAMPLES.png, 'image/png');
    expect(
      (await api.post('/api/v1/download-url', { object_name: 'refused/evil.png' })).status,
    ).toBe(200);
    const confirmed = await api.post('/api/v1/confirm-upload', { object_name: 'refused/evil.png' });
    expect(confirmed.json).toMatchObject({ success: true, width: 2, height: 2 });
    const confirmedEvent = events.find(
      (event) =>
        event['detail-type'] === 'draftstore.object.confirmed' &&
        event.detail.object_name === 'refused/evil.png',
    );
    expect(confirmedEvent?.detail).toMatchObject({ width: 2, height: 2 });
  });
});

describeEachStore('CONTENT_SNIFFING=off', (store) => {
  let api: TestRuntime;

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    api = await startStoreRuntime(store, { CONTENT_SNIFFING: 'off' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('confirms on the declared type alone, as before', async () => {
    const ticket = await api.post('/api/v1/upload-url', {
      object_name: 'exe.png',
      content_type: 'image/png',
      content_length: SAMPLES.exe.length,
    });
    expect((await putWith(ticket.json.upload_url, ticket.json.headers, SAMPLES.exe)).status).toBe(
      200,
    );
    expect((await api.post('/api/v1/confirm-upload', { object_name: 'exe.png' })).status).toBe(200);
  });
});
