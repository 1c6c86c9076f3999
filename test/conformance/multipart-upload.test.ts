import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListPartsCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { jest } from '@jest/globals';
import { logger } from '../../lambdas/observability/logger.js';
import { bearerFor, type TestRuntime } from '../helpers/local-runtime.js';
import { bytes, uploadInParts, type SignedPartJson } from '../helpers/multipart.js';
import { sha256 } from '../helpers/uploads.js';
import { describeRgw, putWith, rgwClient, sharedRgw, startRgwRuntime } from './stores.js';

// Multipart uploads against a real S3 implementation (Ceph RGW): real PUTs to presigned part
// URLs, and the store itself refusing a part that breaks its signature.

jest.setTimeout(120_000);

const MIB = 1024 ** 2;
const md5 = (body: Buffer) => createHash('md5').update(body).digest('base64');

describeRgw('multipart uploads', () => {
  let api: TestRuntime;
  let keyDirectory: string;
  const runtimes: TestRuntime[] = [];

  /** Another runtime on the same buckets and the same token key, with its own settings. */
  const sibling = async (env: Record<string, string>, clock?: () => Date) => {
    const runtime = await startRgwRuntime(
      sharedRgw()!,
      { BUCKET_NAME: api.config.buckets.main, ...env },
      { signingKeyFile: join(keyDirectory, 'key'), ...(clock && { clock }) },
    );
    runtimes.push(runtime);
    return runtime;
  };

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    keyDirectory = await mkdtemp(join(tmpdir(), 'draftstore-key-'));
    api = await startRgwRuntime(
      sharedRgw()!,
      { MAX_UPLOAD_BYTES: String(64 * MIB), OBJECT_LIFETIME: '3600' },
      { signingKeyFile: join(keyDirectory, 'key') },
    );
  });
  afterAll(async () => {
    for (const runtime of runtimes) await runtime.stop();
    await api?.stop();
    await rm(keyDirectory, { recursive: true, force: true });
  });

  const start = async (name: string, length: number, fields: Record<string, unknown> = {}) => {
    const created = await api.post('/api/v1/multipart/create', {
      object_name: name,
      content_length: length,
      part_size: 5 * MIB,
      ...fields,
    });
    expect(created.status).toBe(200);
    return {
      created: created.json,
      reference: {
        object_name: name,
        upload_id: created.json.upload_id as string,
        upload_token: created.json.upload_token as string,
      },
    };
  };

  const sign = async (reference: object, numbers: number[], extra: object = {}) => {
    const signed = await api.post('/api/v1/multipart/sign-parts', {
      ...reference,
      part_numbers: numbers,
      ...extra,
    });
    expect(signed.status).toBe(200);
    return signed.json.parts as SignedPartJson[];
  };

  /** The uploads RGW still holds for the key: none after an abort or a complete. */
  const pendingUploads = async (key: string) =>
    (
      await api.services.store.listMultipartUploads({
        bucket: api.config.buckets.draft,
        prefix: key,
      })
    ).uploads;

  it('uploads 23 MiB in 5 MiB parts, completes, confirms: the same bytes in main', async () => {
    const body = bytes(23 * MIB);

    const flow = await uploadInParts(api, 'big/23 MiB.bin', body, {
      contentType: 'application/octet-stream',
      partSize: 5 * MIB,
    });
    const confirmed = await api.post('/api/v1/confirm-upload', { object_name: 'big/23 MiB.bin' });
    const download = await api.post('/api/v1/download-url', {
      object_name: 'big/23 MiB.bin',
      stage: 'main',
    });
    const stored = Buffer.from(await (await fetch(download.json.download_url)).arrayBuffer());

    expect(flow.created.part_count).toBe(5);
    expect(flow.signed.parts.at(-1).headers).toEqual({ 'content-length': String(3 * MIB) });
    expect(flow.completed).toEqual({
      status: 200,
      json: { object_name: 'big/23 MiB.bin', size: 23 * MIB, etag: expect.stringMatching(/-5$/) },
    });
    expect(confirmed.json).toMatchObject({ success: true, size: 23 * MIB });
    expect(stored.length).toBe(body.length);
    expect(sha256(stored)).toBe(sha256(body));
    expect(await pendingUploads('anonymous/big/23 MiB.bin')).toEqual([]);
  });

  it('has the store refuse a part longer or shorter than signed, storing nothing', async () => {
    const body = bytes(6 * MIB);
    const { reference } = await start('sized.bin', body.length);
    const [one, two] = await sign(reference, [1, 2]);

    // putWith sends the body's own length, not the signed one.
    const longer = await putWith(one!.url, one!.headers, body.subarray(0, 5 * MIB + 1));
    const shorter = await putWith(two!.url, two!.headers, body.subarray(5 * MIB, 6 * MIB - 1));
    const listed = await api.post('/api/v1/multipart/list-parts', reference);

    expect({ status: longer.status, code: longer.code }).toEqual({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
    expect({ status: shorter.status, code: shorter.code }).toEqual({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
    expect(listed.json).toEqual({ parts: [] });
  });

  it('has the store refuse a part whose bytes do not match its signed Content-MD5', async () => {
    const body = bytes(5 * MIB + 10);
    const { reference } = await start('digest.bin', body.length);
    const part = body.subarray(0, 5 * MIB);
    const [one] = await sign(reference, [1], { content_md5: { '1': md5(part) } });

    const other = Buffer.from(part);
    other[0] = other[0]! ^ 0xff;
    const refused = await putWith(one!.url, one!.headers, other);
    const accepted = await putWith(one!.url, one!.headers, part);

    expect({ status: refused.status, code: refused.code }).toEqual({
      status: 400,
      code: 'BadDigest',
    });
    expect(accepted.status).toBe(200);
  });

  it('lists every uploaded part in order, with its size', async () => {
    const body = bytes(16 * MIB);
    const { reference } = await start('listed.bin', body.length);
    const signed = await sign(reference, [4, 2, 1]);
    for (const part of signed) {
      const first = (part.part_number - 1) * 5 * MIB;
      expect(
        (await putWith(part.url, part.headers, body.subarray(first, first + 5 * MIB))).status,
      ).toBe(200);
    }

    const listed = await api.post('/api/v1/multipart/list-parts', reference);

    expect(listed.json.parts.map((part: { part_number: number; size: number }) => part)).toEqual([
      { part_number: 1, etag: expect.any(String), size: 5 * MIB },
      { part_number: 2, etag: expect.any(String), size: 5 * MIB },
      { part_number: 4, etag: expect.any(String), size: MIB },
    ]);
  });

  // The embedded store was taught this answer (local/embedded-multipart.ts): this is the
  // store it copies, so both keep to one contract.
  it.each([
    { case: 'a part never uploaded', uploaded: [1, 2], wrongEtag: undefined },
    { case: 'an etag of other bytes', uploaded: [1, 2, 3], wrongEtag: 2 },
  ])(
    'answers 400 for a complete listing $case, and the upload goes on',
    async ({ uploaded, wrongEtag }) => {
      const name = `bad-list-${uploaded.length}.bin`;
      const body = bytes(11 * MIB);
      const { reference } = await start(name, body.length);
      const etags = new Map<number, string>();
      for (const part of await sign(reference, uploaded)) {
        const first = (part.part_number - 1) * 5 * MIB;
        const put = await putWith(part.url, part.headers, body.subarray(first, first + 5 * MIB));
        expect(put.status).toBe(200);
        etags.set(part.part_number, String(put.headers.etag ?? ''));
      }
      const parts = [1, 2, 3].map((number) => ({
        part_number: number,
        etag:
          number === wrongEtag
            ? `"${'0'.repeat(32)}"`
            : (etags.get(number) ?? `"${'1'.repeat(32)}"`),
      }));

      const refused = await api.post('/api/v1/multipart/complete', { ...reference, parts });
      const listed = await api.post('/api/v1/multipart/list-parts', reference);

      expect(refused).toEqual({
        status: 400,
        json: {
          error: {
            code: 'invalid_request',
            message: 'parts: a listed part was not uploaded, or its etag does not match.',
          },
        },
      });
      expect(listed.json.parts.map((part: { part_number: number }) => part.part_number)).toEqual(
        uploaded,
      );
      expect(await pendingUploads(`anonymous/${name}`)).toEqual([
        expect.objectContaining({ uploadId: reference.upload_id }),
      ]);
    },
  );

  it("lists all 1001 parts across S3's 1000-part ListParts page, in order", async () => {
    const count = 1001;
    const big = await sibling({ MAX_UPLOAD_BYTES: String(count * 5 * MIB) });
    const created = await big.post('/api/v1/multipart/create', {
      object_name: 'paged.bin',
      content_length: count * 5 * MIB,
      part_size: 5 * MIB,
    });
    expect(created.json).toMatchObject({ part_size: 5 * MIB, part_count: count });
    const reference = {
      object_name: 'paged.bin',
      upload_id: created.json.upload_id as string,
      upload_token: created.json.upload_token as string,
    };
    // Straight to RGW, one byte each: ListParts pages by count, not size, and 1001 parts of
    // the signed 5 MiB would be 5 GiB of RAM in the memstore OSD.
    const s3 = rgwClient(sharedRgw()!);
    const target = {
      Bucket: api.config.buckets.draft,
      Key: 'anonymous/paged.bin',
      UploadId: reference.upload_id,
    };
    const etags = new Map<number, string>();
    const numbers = Array.from({ length: count }, (_, index) => index + 1);
    for (let at = 0; at < count; at += 50) {
      await Promise.all(
        numbers.slice(at, at + 50).map(async (PartNumber) => {
          const put = await s3.send(
            new UploadPartCommand({ ...target, PartNumber, Body: Buffer.from([PartNumber % 256]) }),
          );
          etags.set(PartNumber, put.ETag!);
        }),
      );
    }

    const firstPage = await s3.send(new ListPartsCommand({ ...target, MaxParts: 1000 }));
    const listed = await big.post('/api/v1/multipart/list-parts', reference);
    await big.post('/api/v1/multipart/abort', reference);

    // RGW itself stops at 1000: the route had to ask for a second page.
    expect(firstPage.Parts).toHaveLength(1000);
    expect([firstPage.IsTruncated, firstPage.NextPartNumberMarker]).toEqual([true, '1000']);
    expect(listed.status).toBe(200);
    expect(listed.json.parts).toEqual(
      numbers.map((part_number) => ({ part_number, etag: etags.get(part_number), size: 1 })),
    );
  });

  it('aborts: no upload and no draft remain, and a second abort answers the same', async () => {
    const body = bytes(6 * MIB);
    const { reference } = await start('dropped.bin', body.length);
    const [one] = await sign(reference, [1]);
    expect((await putWith(one!.url, one!.headers, body.subarray(0, 5 * MIB))).status).toBe(200);

    const first = await api.post('/api/v1/multipart/abort', reference);
    const again = await api.post('/api/v1/multipart/abort', reference);
    const lateTwo = await sign(reference, [2]);
    const latePut = await putWith(lateTwo[0]!.url, lateTwo[0]!.headers, body.subarray(5 * MIB));
    const draft = await api.post('/api/v1/download-url', { object_name: 'dropped.bin' });

    expect(first).toEqual({ status: 200, json: { aborted: true } });
    expect(again).toEqual(first);
    expect({ status: latePut.status, code: latePut.code }).toEqual({
      status: 404,
      code: 'NoSuchUpload',
    });
    expect(await pendingUploads('anonymous/dropped.bin')).toEqual([]);
    expect(draft.status).toBe(404);
  });

  it("refuses another owner's upload_id and upload_token, and the upload stays intact", async () => {
    const alice = bearerFor('alice');
    const created = await api.post(
      '/api/v1/multipart/create',
      { object_name: 'private.bin', content_length: 6 * MIB },
      alice,
    );
    const reference = {
      object_name: 'private.bin',
      upload_id: created.json.upload_id,
      upload_token: created.json.upload_token,
    };
    const mallory = bearerFor('mallory');
    const own = await api.post(
      '/api/v1/multipart/create',
      { object_name: 'private.bin', content_length: 6 * MIB },
      mallory,
    );

    const withToken = await api.post('/api/v1/multipart/abort', reference, mallory);
    const withId = await api.post(
      '/api/v1/multipart/sign-parts',
      { ...reference, upload_token: own.json.upload_token, part_numbers: [1] },
      mallory,
    );
    const completeWithId = await api.post(
      '/api/v1/multipart/complete',
      {
        ...reference,
        upload_token: own.json.upload_token,
        parts: [{ part_number: 1, etag: '"x"' }],
      },
      mallory,
    );

    for (const refused of [withToken, withId, completeWithId]) {
      expect(refused.status).toBe(404);
      expect(refused.json.error.code).toBe('not_found');
    }
    expect(await pendingUploads('alice/private.bin')).toEqual([
      expect.objectContaining({ uploadId: reference.upload_id }),
    ]);
  });

  it('refuses at complete an upload whose total or type breaks the policy, and removes it', async () => {
    const body = bytes(6 * MIB);
    const tooBig = await start('policy/too-big.bin', body.length);
    const wrongType = await start('policy/text.txt', body.length, { content_type: 'text/plain' });
    const partsOf = async (reference: object) => {
      const parts = [];
      for (const part of await sign(reference, [1, 2])) {
        const first = (part.part_number - 1) * 5 * MIB;
        const put = await putWith(part.url, part.headers, body.subarray(first, first + 5 * MIB));
        parts.push({ part_number: part.part_number, etag: put.headers.etag as string });
      }
      return parts;
    };
    const tooBigParts = await partsOf(tooBig.reference);
    const wrongTypeParts = await partsOf(wrongType.reference);
    // The policy tightened after create: the same buckets and token key, other limits.
    const stricter = await sibling({
      MAX_UPLOAD_BYTES: String(5 * MIB),
      ALLOWED_CONTENT_TYPES: 'image/*',
    });

    const refusedSize = await stricter.post('/api/v1/multipart/complete', {
      ...tooBig.reference,
      parts: tooBigParts,
    });
    const refusedType = await (
      await sibling({ ALLOWED_CONTENT_TYPES: 'image/*' })
    ).post('/api/v1/multipart/complete', { ...wrongType.reference, parts: wrongTypeParts });

    expect(refusedSize).toEqual({
      status: 413,
      json: {
        error: {
          code: 'payload_too_large',
          message: `The object is ${6 * MIB} bytes; the limit is ${5 * MIB} bytes.`,
        },
      },
    });
    expect(refusedType.status).toBe(415);
    expect(refusedType.json.error).toEqual({
      code: 'unsupported_media_type',
      message: 'Content type "text/plain" is not allowed; allowed: image/*.',
    });
    for (const name of ['policy/too-big.bin', 'policy/text.txt']) {
      expect(await pendingUploads(`anonymous/${name}`)).toEqual([]);
      expect((await api.post('/api/v1/download-url', { object_name: name })).status).toBe(404);
    }
  });

  it('is never aborted by the sweep within OBJECT_LIFETIME, and is once that has passed', async () => {
    const { reference } = await start('sweep/pending.bin', 6 * MIB);

    const now = await api.services.cleaner.sweep({ prefix: 'anonymous/sweep/' });
    const listedAfterSweep = await api.post('/api/v1/multipart/list-parts', reference);
    // The same sweep run an instant past the lifetime (3600 s).
    const later = await sibling(
      { OBJECT_LIFETIME: '3600' },
      () => new Date(Date.now() + 3601 * 1000),
    );
    const past = await later.services.cleaner.sweep({ prefix: 'anonymous/sweep/' });

    expect([now.staleUploads, now.abortedUploads]).toEqual([0, 0]);
    expect(listedAfterSweep).toEqual({ status: 200, json: { parts: [] } });
    expect([past.staleUploads, past.abortedUploads]).toEqual([1, 1]);
    expect(await pendingUploads('anonymous/sweep/pending.bin')).toEqual([]);
  });
});
