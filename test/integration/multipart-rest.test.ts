import { jest } from '@jest/globals';
import { bearerFor, startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { bytes, putPart, uploadInParts, type SignedPartJson } from '../helpers/multipart.js';
import { sha256 } from '../helpers/uploads.js';

jest.setTimeout(60_000);

const MIB = 1024 ** 2;

describe('multipart uploads over REST on the embedded store', () => {
  let api: TestRuntime;

  beforeAll(async () => {
    api = await startTestRuntime({ MAX_UPLOAD_BYTES: String(64 * MIB) });
  });
  afterAll(async () => {
    await api.stop();
  });

  const create = (name: string, fields: Record<string, unknown> = {}, headers = {}) =>
    api.post(
      '/api/v1/multipart/create',
      { object_name: name, content_length: 11 * MIB + 123, ...fields },
      headers,
    );

  it('uploads 3 parts, lists them, completes into a draft with the same bytes, and confirms', async () => {
    const body = bytes(11 * MIB + 123);

    const flow = await uploadInParts(api, 'big/video one.bin', body, {
      contentType: 'video/mp4',
      partSize: 5 * MIB,
    });

    expect(flow.created).toEqual({
      upload_id: expect.any(String),
      upload_token: expect.any(String),
      object_name: 'big/video one.bin',
      part_size: 5 * MIB,
      part_count: 3,
      expires_at: expect.any(String),
    });
    expect(flow.signed.parts.map((part: SignedPartJson) => part.headers)).toEqual([
      { 'content-length': String(5 * MIB) },
      { 'content-length': String(5 * MIB) },
      { 'content-length': String(MIB + 123) },
    ]);
    expect(flow.completed).toEqual({
      status: 200,
      json: { object_name: 'big/video one.bin', size: body.length, etag: expect.any(String) },
    });

    const preview = await api.post('/api/v1/download-url', { object_name: 'big/video one.bin' });
    const stored = Buffer.from(await (await fetch(preview.json.download_url)).arrayBuffer());
    expect(sha256(stored)).toBe(sha256(body));

    const confirmed = await api.post('/api/v1/confirm-upload', {
      object_name: 'big/video one.bin',
    });
    expect(confirmed.json).toMatchObject({
      success: true,
      size: body.length,
      content_type: 'video/mp4',
    });
  });

  it('lists every uploaded part with its size, and a retried complete answers the same', async () => {
    const body = bytes(11 * MIB);
    const created = (
      await create('listed.bin', { content_length: body.length, part_size: 5 * MIB })
    ).json;
    const reference = {
      object_name: 'listed.bin',
      upload_id: created.upload_id,
      upload_token: created.upload_token,
    };
    const signed = await api.post('/api/v1/multipart/sign-parts', {
      ...reference,
      part_numbers: [3, 1],
    });
    expect(signed.json.parts.map((part: SignedPartJson) => part.part_number)).toEqual([3, 1]);
    const etags: Record<number, string> = {};
    for (const part of signed.json.parts as SignedPartJson[]) {
      const first = (part.part_number - 1) * 5 * MIB;
      const put = await putPart(part, body.subarray(first, first + 5 * MIB));
      etags[part.part_number] = put.headers.get('etag') ?? '';
    }

    const listed = await api.post('/api/v1/multipart/list-parts', reference);

    expect(listed).toEqual({
      status: 200,
      json: {
        parts: [
          { part_number: 1, etag: etags[1], size: 5 * MIB },
          { part_number: 3, etag: etags[3], size: MIB },
        ],
      },
    });

    const missing = await api.post('/api/v1/multipart/complete', {
      ...reference,
      parts: [
        { part_number: 1, etag: etags[1] },
        { part_number: 3, etag: etags[3] },
      ],
    });
    expect(missing).toEqual({
      status: 400,
      json: { error: { code: 'invalid_request', message: 'parts: part 2 of 3 is missing.' } },
    });

    const [two] = (
      await api.post('/api/v1/multipart/sign-parts', { ...reference, part_numbers: [2] })
    ).json.parts as SignedPartJson[];
    etags[2] = (await putPart(two!, body.subarray(5 * MIB, 10 * MIB))).headers.get('etag') ?? '';
    const parts = [1, 2, 3].map((number) => ({ part_number: number, etag: etags[number]! }));

    const first = await api.post('/api/v1/multipart/complete', { ...reference, parts });
    const again = await api.post('/api/v1/multipart/complete', { ...reference, parts });

    expect(first.status).toBe(200);
    expect(again).toEqual(first);
  });

  it('refuses part numbers outside 1..part_count, and more than 100 per call', async () => {
    const created = (await create('range.bin', { part_size: 5 * MIB })).json;
    const reference = {
      object_name: 'range.bin',
      upload_id: created.upload_id,
      upload_token: created.upload_token,
    };

    const beyond = await api.post('/api/v1/multipart/sign-parts', {
      ...reference,
      part_numbers: [1, 4],
    });
    const zero = await api.post('/api/v1/multipart/sign-parts', {
      ...reference,
      part_numbers: [0],
    });
    const tooMany = await api.post('/api/v1/multipart/sign-parts', {
      ...reference,
      part_numbers: Array.from({ length: 101 }, (_, index) => index + 1),
    });

    expect(beyond).toEqual({
      status: 400,
      json: {
        error: {
          code: 'invalid_request',
          message: "part_numbers: 4 is outside this upload's parts 1..3.",
        },
      },
    });
    expect(zero.json.error).toEqual({
      code: 'invalid_request',
      message: 'part_numbers.0: must be at least 1',
    });
    expect(tooMany.json.error).toEqual({
      code: 'invalid_request',
      message: 'part_numbers: must list at most 100 parts per call',
    });
  });

  it('signs a given Content-MD5 into the part URL', async () => {
    const created = (await create('md5.bin', { part_size: 5 * MIB })).json;
    const md5 = Buffer.alloc(16, 7).toString('base64');

    const signed = await api.post('/api/v1/multipart/sign-parts', {
      object_name: 'md5.bin',
      upload_id: created.upload_id,
      upload_token: created.upload_token,
      part_numbers: [3],
      content_md5: { '3': md5 },
    });

    expect(signed.json.parts[0].headers).toEqual({
      'content-length': String(MIB + 123),
      'content-md5': md5,
    });
    expect(new URL(signed.json.parts[0].url).searchParams.get('X-Amz-SignedHeaders')).toBe(
      'content-length;content-md5;host',
    );
  });

  it('checks content_length and content_type against the policy at create', async () => {
    const limited = await startTestRuntime({
      MAX_UPLOAD_BYTES: String(10 * MIB),
      ALLOWED_CONTENT_TYPES: 'image/*',
    });
    try {
      const tooBig = await limited.post('/api/v1/multipart/create', {
        object_name: 'big.png',
        content_type: 'image/png',
        content_length: 10 * MIB + 1,
      });
      const wrongType = await limited.post('/api/v1/multipart/create', {
        object_name: 'doc.pdf',
        content_type: 'application/pdf',
        content_length: 6 * MIB,
      });
      expect(tooBig).toEqual({
        status: 413,
        json: {
          error: {
            code: 'payload_too_large',
            message: `The object is ${10 * MIB + 1} bytes; the limit is ${10 * MIB} bytes.`,
          },
        },
      });
      expect(wrongType.status).toBe(415);
      expect(wrongType.json.error.code).toBe('unsupported_media_type');
      expect(wrongType.json.error.message).toMatch(/"application\/pdf" is not allowed/);
    } finally {
      await limited.stop();
    }
  });

  it('refuses a tampered token with 403 and another owner with 404, changing nothing', async () => {
    const alice = bearerFor('alice');
    const created = (await create('mine.bin', { part_size: 5 * MIB }, alice)).json;
    const reference = {
      object_name: 'mine.bin',
      upload_id: created.upload_id,
      upload_token: created.upload_token,
    };
    const [body, mac] = created.upload_token.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    const forged = `${Buffer.from(JSON.stringify({ ...claims, l: 1 })).toString('base64url')}.${mac}`;

    const tampered = await api.post(
      '/api/v1/multipart/abort',
      { ...reference, upload_token: forged },
      alice,
    );
    const otherOwner = await api.post('/api/v1/multipart/abort', reference, bearerFor('mallory'));
    const otherUpload = await api.post(
      '/api/v1/multipart/list-parts',
      { ...reference, upload_id: 'f'.repeat(32) },
      alice,
    );

    expect(tampered).toEqual({
      status: 403,
      json: {
        error: {
          code: 'forbidden',
          message: 'upload_token: the signature does not match; the token was altered.',
        },
      },
    });
    expect(otherOwner.status).toBe(404);
    expect(otherOwner.json.error.code).toBe('not_found');
    expect(otherUpload.status).toBe(404);
    expect(otherUpload.json.error.message).toMatch(/upload_token names another/);
    // Still there: alice can list it.
    expect(await api.post('/api/v1/multipart/list-parts', reference, alice)).toEqual({
      status: 200,
      json: { parts: [] },
    });
  });

  it('aborts idempotently, leaving no upload and no draft', async () => {
    const created = (await create('dropped.bin', { part_size: 5 * MIB })).json;
    const reference = {
      object_name: 'dropped.bin',
      upload_id: created.upload_id,
      upload_token: created.upload_token,
    };

    const first = await api.post('/api/v1/multipart/abort', reference);
    const again = await api.post('/api/v1/multipart/abort', reference);
    const listed = await api.post('/api/v1/multipart/list-parts', reference);
    const draft = await api.post('/api/v1/download-url', { object_name: 'dropped.bin' });

    expect(first).toEqual({ status: 200, json: { aborted: true } });
    expect(again).toEqual(first);
    expect(listed.status).toBe(404);
    expect(listed.json.error.code).toBe('not_found');
    expect(draft.status).toBe(404);
  });

  // The check after CompleteMultipartUpload, from the stored object: it catches a store that
  // kept other bytes than were signed. s3rver checks no signatures, so it stores a part
  // longer or shorter than its signed Content-Length (RGW refuses those, conformance).
  it.each([
    { name: 'longer.bin', last: 2 * MIB, status: 413, code: 'payload_too_large' },
    { name: 'shorter.bin', last: MIB / 2, status: 400, code: 'invalid_request' },
  ])(
    'removes the draft when the completed object is not the declared size ($name)',
    async ({ name, last, status, code }) => {
      const declared = 10 * MIB + MIB;
      const created = (await create(name, { content_length: declared, part_size: 5 * MIB })).json;
      const reference = {
        object_name: name,
        upload_id: created.upload_id,
        upload_token: created.upload_token,
      };
      const signed = (
        await api.post('/api/v1/multipart/sign-parts', { ...reference, part_numbers: [1, 2, 3] })
      ).json.parts as SignedPartJson[];
      const parts = [];
      for (const part of signed) {
        // fetch sends the body's own length: part 3 breaks its signed 1 MiB.
        const put = await putPart(part, bytes(part.part_number === 3 ? last : 5 * MIB));
        expect(put.status).toBe(200);
        parts.push({ part_number: part.part_number, etag: put.headers.get('etag') ?? '' });
      }

      const completed = await api.post('/api/v1/multipart/complete', { ...reference, parts });
      const draft = await api.post('/api/v1/download-url', { object_name: name });
      const stored = await api.services.store.head(api.config.buckets.draft, `anonymous/${name}`);
      const retried = await api.post('/api/v1/multipart/complete', { ...reference, parts });

      expect(completed).toEqual({
        status,
        json: {
          error: {
            code,
            message: `The upload is ${10 * MIB + last} bytes; ${declared} were declared.`,
          },
        },
      });
      expect(stored).toBeUndefined();
      expect(draft.status).toBe(404);
      expect(draft.json.error.code).toBe('not_found');
      // The upload is gone too: nothing to complete a second time.
      expect(retried.status).toBe(404);
      expect(retried.json.error.code).toBe('not_found');
    },
  );

  // As S3 and RGW answer InvalidPart. s3rver itself assembled whatever part files it found:
  // a part never uploaded crashed the whole process (an unhandled ENOENT stream error), and
  // a wrong etag went unnoticed.
  it.each([
    { case: 'a part never uploaded', uploaded: [1, 2], etagOf: () => undefined },
    {
      case: 'an etag of other bytes',
      uploaded: [1, 2, 3],
      etagOf: (part: number) => (part === 2 ? `"${'0'.repeat(32)}"` : undefined),
    },
  ])(
    'answers 400 for a complete listing $case, and the upload goes on',
    async ({ uploaded, etagOf }) => {
      const name = `bad-list-${uploaded.length}.bin`;
      const body = bytes(11 * MIB);
      const created = (await create(name, { content_length: body.length, part_size: 5 * MIB }))
        .json;
      const reference = {
        object_name: name,
        upload_id: created.upload_id,
        upload_token: created.upload_token,
      };
      const signed = (
        await api.post('/api/v1/multipart/sign-parts', { ...reference, part_numbers: [1, 2, 3] })
      ).json.parts as SignedPartJson[];
      const etags = new Map<number, string>();
      for (const part of signed.filter((part) => uploaded.includes(part.part_number))) {
        const first = (part.part_number - 1) * 5 * MIB;
        const put = await putPart(part, body.subarray(first, first + 5 * MIB));
        etags.set(part.part_number, put.headers.get('etag') ?? '');
      }
      const listed = [1, 2, 3].map((number) => ({
        part_number: number,
        etag: etagOf(number) ?? etags.get(number) ?? `"${'1'.repeat(32)}"`,
      }));

      const refused = await api.post('/api/v1/multipart/complete', { ...reference, parts: listed });
      const parts = await api.post('/api/v1/multipart/list-parts', reference);
      const draft = await api.post('/api/v1/object-info', { object_name: name, stage: 'draft' });

      expect(refused).toEqual({
        status: 400,
        json: {
          error: {
            code: 'invalid_request',
            message: 'parts: a listed part was not uploaded, or its etag does not match.',
          },
        },
      });
      expect(parts.json.parts.map((part: { part_number: number }) => part.part_number)).toEqual(
        uploaded,
      );
      expect(draft.status).toBe(404);
    },
  );

  it('takes a complete body over 64 KiB (up to 10,000 parts), and checks each part', async () => {
    const created = (await create('long-list.bin', { part_size: 5 * MIB })).json;
    const parts = Array.from({ length: 2000 }, (_, index) => ({
      part_number: index + 1,
      etag: `"${'0'.repeat(32)}"`,
    }));

    const body = JSON.stringify({
      object_name: 'long-list.bin',
      upload_id: created.upload_id,
      upload_token: created.upload_token,
      parts,
    });
    const completed = await api.post('/api/v1/multipart/complete', body);

    expect(Buffer.byteLength(body)).toBeGreaterThan(64 * 1024);
    expect(completed).toEqual({
      status: 400,
      json: {
        error: {
          code: 'invalid_request',
          message: "parts: 4 is outside this upload's parts 1..3.",
        },
      },
    });
  });

  it('answers 400 naming the field for malformed bodies', async () => {
    const noLength = await api.post('/api/v1/multipart/create', { object_name: 'x.bin' });
    const unknown = await api.post('/api/v1/multipart/create', {
      object_name: 'x.bin',
      content_length: 1,
      parts: 3,
    });
    const hugePart = await create('x.bin', { part_size: 6 * 1024 ** 3 });

    expect(noLength.json.error).toEqual({
      code: 'invalid_request',
      message: 'content_length: must be a number',
    });
    expect(unknown.json.error).toEqual({
      code: 'invalid_request',
      message: 'unknown field "parts"',
    });
    expect(hugePart.status).toBe(400);
    expect(hugePart.json.error.message).toMatch(/^part_size: must be at most 5368709120/);
  });
});
