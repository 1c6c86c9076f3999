import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { jest } from '@jest/globals';
import { logger } from '../../lambdas/observability/logger.js';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.js';
import { bearerFor, type TestRuntime } from '../helpers/local-runtime.js';
import { bytes, putPart, type SignedPartJson } from '../helpers/multipart.js';
import { sha256 } from '../helpers/uploads.js';
import { describeRgw, putWith, rgwClient, sharedRgw, startRgwRuntime } from './stores.js';

// A request the policy or the name rules refuse is refused before the service writes to the
// store: the store itself (through a counting proxy) shows which writes it was asked for.
// Each refusal here also has an answer from a later check, so only the writes tell them apart.

jest.setTimeout(120_000);

const MIB = 1024 ** 2;

/** CompleteMultipartUpload: a POST naming an upload id. */
const COMPLETE = /^POST [^?]*\?(?:.*&)?uploadId=/;
/** AbortMultipartUpload: a DELETE naming an upload id. */
const ABORT = /^DELETE [^?]*\?(?:.*&)?uploadId=/;
const WRITE = /^(?:PUT|POST|DELETE) /;

describeRgw('refused requests write nothing', () => {
  let proxy: CountingProxy;
  let s3: S3Client;
  let keyDirectory: string;
  /** Any type, 64 MiB: what the uploads below were started under. */
  let api: TestRuntime;
  /** The same buckets and token key under a tightened policy: 1 MiB, images only. */
  let strict: TestRuntime;

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    const rgw = sharedRgw()!;
    proxy = await startCountingProxy(rgw.endpoint);
    s3 = rgwClient(rgw);
    keyDirectory = await mkdtemp(join(tmpdir(), 'draftstore-key-'));
    const signingKeyFile = join(keyDirectory, 'key');
    const proxied = { ...rgw, endpoint: proxy.endpoint };
    api = await startRgwRuntime(
      proxied,
      { MAX_UPLOAD_BYTES: String(64 * MIB) },
      { signingKeyFile },
    );
    strict = await startRgwRuntime(
      proxied,
      {
        BUCKET_NAME: api.config.buckets.main,
        MAX_UPLOAD_BYTES: String(MIB),
        ALLOWED_CONTENT_TYPES: 'image/*',
      },
      { signingKeyFile },
    );
  });
  afterAll(async () => {
    await strict?.stop();
    await api?.stop();
    await proxy?.close();
    await rm(keyDirectory, { recursive: true, force: true });
  });

  /** What the store received from here on: call it before the request under test. */
  const watch = () => {
    const from = proxy.requests.length;
    return async () => {
      await proxy.idle();
      return proxy.requests.slice(from);
    };
  };

  /** The object as RGW holds it, read past the proxy; a missing one is `'gone'`. */
  const stored = async (bucket: string, key: string) => {
    const object = await s3
      .send(new GetObjectCommand({ Bucket: bucket, Key: key }))
      .catch((error: unknown) => {
        if (error instanceof NoSuchKey) return undefined;
        throw error;
      });
    if (object === undefined) return 'gone';
    const body = Buffer.from(await object.Body!.transformToByteArray());
    return { sha256: sha256(body), etag: object.ETag, type: object.ContentType };
  };

  const putDraft = async (runtime: TestRuntime, name: string, body: Buffer, type: string) => {
    const ticket = await runtime.post('/api/v1/upload-url', {
      object_name: name,
      content_type: type,
      content_length: body.length,
    });
    expect(ticket.status).toBe(200);
    expect((await putWith(ticket.json.upload_url, ticket.json.headers, body)).status).toBe(200);
  };

  /** A one-part multipart upload of `body` started (and its part uploaded) under `api`'s policy. */
  const uploadPart = async (name: string, body: Buffer, type: string) => {
    const created = await api.post('/api/v1/multipart/create', {
      object_name: name,
      content_length: body.length,
      content_type: type,
    });
    expect(created.json.part_count).toBe(1);
    const reference = {
      object_name: name,
      upload_id: created.json.upload_id as string,
      upload_token: created.json.upload_token as string,
    };
    const signed = await api.post('/api/v1/multipart/sign-parts', {
      ...reference,
      part_numbers: [1],
    });
    const put = await putPart(signed.json.parts[0] as SignedPartJson, body);
    expect(put.status).toBe(200);
    return { reference, parts: [{ part_number: 1, etag: put.headers.get('etag') ?? '' }] };
  };

  const pendingUploads = async (key: string) =>
    (
      await api.services.store.listMultipartUploads({
        bucket: api.config.buckets.draft,
        prefix: key,
      })
    ).uploads;

  it('completes an upload under the policy it was started with, and the store sees that complete (the control)', async () => {
    const body = bytes(2 * MIB);
    const { reference, parts } = await uploadPart('control.bin', body, 'text/plain');
    const seen = watch();

    const completed = await api.post('/api/v1/multipart/complete', { ...reference, parts });

    expect(completed.status).toBe(200);
    expect((await seen()).filter((line) => COMPLETE.test(line))).toHaveLength(1);
    expect(await stored(api.config.buckets.draft, 'anonymous/control.bin')).toMatchObject({
      sha256: sha256(body),
    });
  });

  it.each([
    { breaks: 'size', size: 2 * MIB, type: 'image/png', status: 413, code: 'payload_too_large' },
    { breaks: 'type', size: 1024, type: 'text/plain', status: 415, code: 'unsupported_media_type' },
  ])(
    'refuses a complete whose upload breaks the tightened policy ($breaks) without completing it: the older draft of the name stays',
    async ({ breaks, size, type, status, code }) => {
      const name = `complete-${breaks}/report`;
      const key = `anonymous/${name}`;
      await putDraft(
        api,
        name,
        Buffer.from('the older draft, valid under both policies'),
        'image/png',
      );
      const older = await stored(api.config.buckets.draft, key);
      const { reference, parts } = await uploadPart(name, bytes(size), type);
      const seen = watch();

      const refused = await strict.post('/api/v1/multipart/complete', { ...reference, parts });

      expect({ status: refused.status, code: refused.json.error.code }).toEqual({ status, code });
      const writes = (await seen()).filter((line) => WRITE.test(line));
      expect(writes.filter((line) => COMPLETE.test(line))).toEqual([]);
      // The upload is aborted, and that is the only write.
      expect(writes).toEqual([expect.stringMatching(ABORT)]);
      expect(await pendingUploads(key)).toEqual([]);
      expect(await stored(api.config.buckets.draft, key)).toEqual(older);
    },
  );

  it('refuses a complete that leaves out a part without completing it: the older draft stays, the upload goes on', async () => {
    const name = 'complete-missing/report';
    const key = `anonymous/${name}`;
    await putDraft(api, name, Buffer.from('the older draft'), 'image/png');
    const older = await stored(api.config.buckets.draft, key);
    const created = await api.post('/api/v1/multipart/create', {
      object_name: name,
      content_length: 6 * MIB,
      part_size: 5 * MIB,
    });
    const reference = {
      object_name: name,
      upload_id: created.json.upload_id as string,
      upload_token: created.json.upload_token as string,
    };
    const signed = await api.post('/api/v1/multipart/sign-parts', {
      ...reference,
      part_numbers: [1],
    });
    const put = await putPart(signed.json.parts[0] as SignedPartJson, bytes(5 * MIB));
    expect(put.status).toBe(200);
    const seen = watch();

    // Part 1 alone is a valid upload to the store: only the service knows 2 is missing.
    const refused = await api.post('/api/v1/multipart/complete', {
      ...reference,
      parts: [{ part_number: 1, etag: put.headers.get('etag') }],
    });

    expect(refused).toEqual({
      status: 400,
      json: { error: { code: 'invalid_request', message: 'parts: part 2 of 2 is missing.' } },
    });
    expect((await seen()).filter((line) => WRITE.test(line))).toEqual([]);
    expect(await pendingUploads(key)).toEqual([
      expect.objectContaining({ uploadId: reference.upload_id }),
    ]);
    expect(await stored(api.config.buckets.draft, key)).toEqual(older);
  });

  it.each([
    { breaks: 'size', size: 2 * MIB, type: 'image/png', status: 413, code: 'payload_too_large' },
    { breaks: 'type', size: 1024, type: 'text/plain', status: 415, code: 'unsupported_media_type' },
  ])(
    'refuses to confirm a draft that breaks the tightened policy ($breaks) without writing to main: its older copy stays',
    async ({ breaks, size, type, status, code }) => {
      const name = `confirm-${breaks}/photo`;
      const key = `anonymous/${name}`;
      const mainBucket = api.config.buckets.main;
      await putDraft(api, name, Buffer.from('version 1, valid under both policies'), 'image/png');
      const moved = watch();
      expect((await api.post('/api/v1/confirm-upload', { object_name: name })).status).toBe(200);
      // The control: a confirm that is allowed writes to main, and the proxy sees it.
      expect((await moved()).filter((line) => line.startsWith(`PUT /${mainBucket}/`))).toHaveLength(
        1,
      );
      const olderCopy = await stored(mainBucket, key);
      const draftBody = bytes(size);
      await putDraft(api, name, draftBody, type);
      const seen = watch();

      const refused = await strict.post('/api/v1/confirm-upload', { object_name: name });

      expect({ status: refused.status, code: refused.json.error.code }).toEqual({ status, code });
      // No CopyObject, CreateMultipartUpload or UploadPartCopy, and the draft is not deleted.
      expect((await seen()).filter((line) => WRITE.test(line))).toEqual([]);
      expect(await stored(mainBucket, key)).toEqual(olderCopy);
      expect(await stored(api.config.buckets.draft, key)).toMatchObject({
        sha256: sha256(draftBody),
      });
    },
  );

  it('refuses a create that breaks the policy without starting an upload', async () => {
    const seen = watch();

    const tooBig = await strict.post('/api/v1/multipart/create', {
      object_name: 'create/too-big.png',
      content_length: 2 * MIB,
      content_type: 'image/png',
    });
    const wrongType = await strict.post('/api/v1/multipart/create', {
      object_name: 'create/page.html',
      content_length: 1024,
      content_type: 'text/html',
    });

    expect([tooBig.status, wrongType.status]).toEqual([413, 415]);
    expect(await seen()).toEqual([]);
    expect(await pendingUploads('anonymous/create/')).toEqual([]);
  });

  it("refuses to delete a name that climbs out of the owner's folder without asking the store", async () => {
    const body = Buffer.from("bob's confirmed object");
    const bob = bearerFor('bob');
    const ticket = await api.post(
      '/api/v1/upload-url',
      { object_name: 'keep.png', content_type: 'image/png', content_length: body.length },
      bob,
    );
    expect((await putWith(ticket.json.upload_url, ticket.json.headers, body)).status).toBe(200);
    expect(
      (await api.post('/api/v1/confirm-upload', { object_name: 'keep.png' }, bob)).status,
    ).toBe(200);
    const seen = watch();

    const refused = await api.post(
      '/api/v1/delete-object',
      { object_name: '../bob/keep.png', stage: 'main' },
      bearerFor('alice'),
    );

    expect(refused.status).toBe(400);
    expect(await seen()).toEqual([]);
    expect(await stored(api.config.buckets.main, 'bob/keep.png')).toMatchObject({
      sha256: sha256(body),
    });
  });
});
