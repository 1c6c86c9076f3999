import { DraftError } from '../../../lambdas/core/errors.js';
import type { MultipartStore } from '../../../lambdas/core/multipart-store.js';
import { MultipartService } from '../../../lambdas/core/multipart-service.js';
import { UploadTokens } from '../../../lambdas/core/upload-token.js';
import { FakeObjectStore } from '../../helpers/fake-object-store.js';

const MIB = 1024 ** 2;
const BUCKET = 'drafts';

/**
 * A store that keeps every part's bytes but assembles the object with a type of its own
 * choosing: the case the check after CompleteMultipartUpload exists for. (No real store
 * here changes the type; RGW and s3rver keep it, so this path has no end-to-end test.)
 */
const storeThatRetypes = (objects: FakeObjectStore, storedType: string): MultipartStore => {
  const metadata = new Map<string, Record<string, string>>();
  return {
    createUpload: async (request) => {
      metadata.set('upload-1', { ...request.metadata });
      return { uploadId: 'upload-1' };
    },
    presignPart: async () => ({ url: 'fake://part', headers: {} }),
    listParts: async () => ({ parts: [] }),
    completeUpload: async (request) => {
      const stored = objects.put(request.bucket, request.key, Buffer.alloc(6 * MIB), {
        contentType: storedType,
        metadata: metadata.get(request.uploadId) ?? {},
      });
      return { etag: stored.etag };
    },
    abortMultipartUpload: async () => undefined,
  };
};

describe('MultipartService.complete checks the stored object', () => {
  it('removes a draft the store typed otherwise than declared, with 415, conditionally on its ETag', async () => {
    const objects = new FakeObjectStore([BUCKET]);
    const service = new MultipartService({
      store: storeThatRetypes(objects, 'text/html'),
      objects,
      bucket: BUCKET,
      policy: { maxUploadBytes: 64 * MIB, allowedContentTypes: ['image/*'] },
      tokens: new UploadTokens({ key: async () => new Uint8Array(32).fill(7) }),
      uploadTtlSeconds: 60,
      uploadLifetimeSeconds: 3600,
    });
    const caller = { owner: 'alice' };
    const created = await service.create(caller, {
      objectName: 'photo.png',
      contentLength: 6 * MIB,
      contentType: 'image/png',
      partSize: 5 * MIB,
    });
    const reference = {
      objectName: 'photo.png',
      uploadId: created.uploadId,
      uploadToken: created.uploadToken,
    };
    const stored = objects.buckets.get(BUCKET);

    const refused = await service
      .complete(caller, {
        ...reference,
        parts: [
          { partNumber: 1, etag: '"a"' },
          { partNumber: 2, etag: '"b"' },
        ],
      })
      .catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(DraftError);
    expect(refused).toMatchObject({
      code: 'unsupported_media_type',
      message: 'Content type "text/html" is not allowed; allowed: image/*.',
    });
    // The draft was the upload's own (its marker), removed only if still that ETag.
    const deletes = objects.calls.filter((call) => call.operation === 'delete');
    expect(deletes).toEqual([
      {
        operation: 'delete',
        args: [BUCKET, 'alice/photo.png', { ifMatch: expect.stringMatching(/^"[0-9a-f]{32}"$/) }],
      },
    ]);
    expect(stored?.has('alice/photo.png')).toBe(false);
  });
});

describe('MultipartService.create reads the token key alongside the store call', () => {
  /** A store whose CreateMultipartUpload answers only when the test says so. */
  const heldStore = (objects: FakeObjectStore) => {
    let release: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (release = resolve));
    const store: MultipartStore = {
      ...storeThatRetypes(objects, 'image/png'),
      createUpload: async () => {
        await answered;
        return { uploadId: 'upload-1' };
      },
    };
    return { store, release: () => release() };
  };
  const serviceWith = (
    store: MultipartStore,
    objects: FakeObjectStore,
    key: () => Promise<Uint8Array>,
  ) =>
    new MultipartService({
      store,
      objects,
      bucket: BUCKET,
      policy: { maxUploadBytes: 64 * MIB, allowedContentTypes: ['image/*'] },
      tokens: new UploadTokens({ key }),
      uploadTtlSeconds: 60,
      uploadLifetimeSeconds: 3600,
    });
  const request = { objectName: 'photo.png', contentLength: 6 * MIB, contentType: 'image/png' };

  it('asks for the key before the store has answered, so a cold fetch costs no extra round trip', async () => {
    const objects = new FakeObjectStore([BUCKET]);
    const { store, release } = heldStore(objects);
    let reads = 0;
    const service = serviceWith(store, objects, async () => {
      reads += 1;
      return new Uint8Array(32).fill(7);
    });

    const created = service.create({ owner: 'alice' }, request);
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads).toBe(1);
    release();
    await expect(created).resolves.toMatchObject({ uploadId: 'upload-1', partCount: 1 });
  });

  it('reports a key that cannot be read as the create error, with no unhandled rejection', async () => {
    const objects = new FakeObjectStore([BUCKET]);
    const { store, release } = heldStore(objects);
    let reads = 0;
    const service = serviceWith(store, objects, async () => {
      reads += 1;
      throw new DraftError('internal', 'The upload token key could not be read.');
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const created = service.create({ owner: 'alice' }, request);
      release();
      await expect(created).rejects.toMatchObject({
        code: 'internal',
        message: 'The upload token key could not be read.',
      });
      await new Promise((resolve) => setImmediate(resolve));
      // The early read failed; signing asked again (sources never cache a failure).
      expect(reads).toBe(2);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('MultipartService.complete repeated after the draft was confirmed', () => {
  const MAIN = 'main';
  const parts = [
    { partNumber: 1, etag: '"a"' },
    { partNumber: 2, etag: '"b"' },
  ];

  /**
   * A store whose upload is gone once completed, as S3's (RGW answers 500 instead), or,
   * with `repeat.accepted`, one that answers a repeat 200 as RGW does while the object
   * exists (the hook runs before that answer: what a racing call did meanwhile).
   */
  const completingOnce = (
    objects: FakeObjectStore,
    gone: DraftError,
    repeat: { accepted?: () => void },
  ): MultipartStore => {
    let completed: { etag: string } | undefined;
    const store = storeThatRetypes(objects, 'video/mp4');
    return {
      ...store,
      completeUpload: async (request) => {
        if (completed && repeat.accepted) {
          repeat.accepted();
          return completed;
        }
        if (completed) throw gone;
        completed = await store.completeUpload(request);
        return completed;
      },
    };
  };

  const setup = async (gone: DraftError) => {
    const objects = new FakeObjectStore([BUCKET, MAIN]);
    const repeat: { accepted?: () => void } = {};
    const service = new MultipartService({
      store: completingOnce(objects, gone, repeat),
      objects,
      bucket: BUCKET,
      mainBucket: MAIN,
      policy: { maxUploadBytes: 64 * MIB, allowedContentTypes: [] },
      tokens: new UploadTokens({ key: async () => new Uint8Array(32).fill(7) }),
      uploadTtlSeconds: 60,
      uploadLifetimeSeconds: 3600,
    });
    const caller = { owner: 'alice' };
    const created = await service.create(caller, {
      objectName: 'clip.mp4',
      contentLength: 6 * MIB,
      contentType: 'video/mp4',
      partSize: 5 * MIB,
    });
    const request = {
      objectName: 'clip.mp4',
      uploadId: created.uploadId,
      uploadToken: created.uploadToken,
      parts,
    };
    const first = await service.complete(caller, request);
    /** What confirm does: copy with the draft's metadata and ETag, then delete the draft. */
    const confirm = (metadata: Record<string, string> = {}) => {
      const draft = objects.buckets.get(BUCKET)!.get('alice/clip.mp4')!;
      objects.put(MAIN, 'alice/clip.mp4', Buffer.from(draft.body), {
        contentType: 'video/mp4',
        metadata: {
          ...draft.metadata,
          'draftstore-confirmed-from': first.etag,
          ...metadata,
        },
      });
      objects.buckets.get(BUCKET)!.delete('alice/clip.mp4');
    };
    return { service, caller, request, first, confirm, repeat };
  };

  it.each([
    ['NoSuchUpload', new DraftError('not_found', 'gone')],
    ['RGW 500 "already in progress"', new DraftError('storage_unavailable', 'in progress')],
  ])('answers as the first from main holding its copy (%s)', async (_, gone) => {
    const { service, caller, request, first, confirm } = await setup(gone);
    confirm();
    await expect(service.complete(caller, request)).resolves.toEqual(first);
  });

  it('answers as the first when the store accepts the repeat and a confirm moves the draft before its HEAD', async () => {
    const { service, caller, request, first, confirm, repeat } = await setup(
      new DraftError('not_found', 'unused'),
    );
    repeat.accepted = confirm;
    await expect(service.complete(caller, request)).resolves.toEqual(first);
  });

  it('is 404 when main holds another upload, and keeps the store error when nothing is there', async () => {
    const notFound = await setup(new DraftError('not_found', 'gone'));
    notFound.confirm({ 'draftstore-upload': 'another-upload' });
    await expect(
      notFound.service.complete(notFound.caller, notFound.request),
    ).rejects.toMatchObject({ code: 'not_found' });

    const unavailable = await setup(new DraftError('storage_unavailable', 'in progress'));
    unavailable.confirm({ 'draftstore-upload': 'another-upload' });
    await expect(
      unavailable.service.complete(unavailable.caller, unavailable.request),
    ).rejects.toMatchObject({ code: 'storage_unavailable' });
  });
});

describe('MultipartService refuses before it writes', () => {
  const KEY = 'alice/report.bin';
  const parts = [
    { partNumber: 1, etag: '"a"' },
    { partNumber: 2, etag: '"b"' },
  ];

  /** The store double: every MultipartStore call, by name, in order. */
  const recordingStore = (objects: FakeObjectStore) => {
    const calls: (keyof MultipartStore)[] = [];
    const inner = storeThatRetypes(objects, 'application/octet-stream');
    const store: MultipartStore = {
      createUpload: async (request) => (calls.push('createUpload'), inner.createUpload(request)),
      presignPart: async (request) => (calls.push('presignPart'), inner.presignPart(request)),
      listParts: async (request) => (calls.push('listParts'), inner.listParts(request)),
      completeUpload: async (request) => (
        calls.push('completeUpload'),
        inner.completeUpload(request)
      ),
      abortMultipartUpload: async (...args) => (
        calls.push('abortMultipartUpload'),
        inner.abortMultipartUpload(...args)
      ),
    };
    return { store, calls };
  };

  /**
   * Two services on one store and one token key, as two deployments of the service: the
   * policy was tightened between create and complete. An older draft holds the name.
   */
  const setup = (tightened: { maxUploadBytes?: number; allowedContentTypes?: string[] }) => {
    const objects = new FakeObjectStore([BUCKET]);
    const older = objects.put(BUCKET, KEY, 'the older draft', {
      contentType: 'application/octet-stream',
    });
    const { store, calls } = recordingStore(objects);
    const tokens = new UploadTokens({ key: async () => new Uint8Array(32).fill(7) });
    const serviceWith = (policy: { maxUploadBytes: number; allowedContentTypes: string[] }) =>
      new MultipartService({
        store,
        objects,
        bucket: BUCKET,
        policy,
        tokens,
        uploadTtlSeconds: 60,
        uploadLifetimeSeconds: 3600,
      });
    const lenient = { maxUploadBytes: 64 * MIB, allowedContentTypes: [] };
    return {
      objects,
      older,
      calls,
      before: serviceWith(lenient),
      after: serviceWith({ ...lenient, ...tightened }),
    };
  };

  const start = async (service: MultipartService, contentType?: string) => {
    const created = await service.create(
      { owner: 'alice' },
      {
        objectName: 'report.bin',
        contentLength: 6 * MIB,
        partSize: 5 * MIB,
        ...(contentType !== undefined && { contentType }),
      },
    );
    return {
      objectName: 'report.bin',
      uploadId: created.uploadId,
      uploadToken: created.uploadToken,
    };
  };

  it.each([
    { breaks: 'size', tightened: { maxUploadBytes: 5 * MIB }, code: 'payload_too_large' },
    {
      breaks: 'type',
      tightened: { allowedContentTypes: ['image/*'] },
      code: 'unsupported_media_type',
    },
  ])(
    'aborts a complete whose token breaks the policy ($breaks) without completing it, and the older draft stays',
    async ({ tightened, code }) => {
      const { objects, older, calls, before, after } = setup(tightened);
      const reference = await start(before, 'text/plain');
      calls.length = 0;
      objects.calls.length = 0;

      const refused = after.complete({ owner: 'alice' }, { ...reference, parts });

      await expect(refused).rejects.toMatchObject({ code });
      expect(calls).toEqual(['abortMultipartUpload']);
      expect(objects.calls).toEqual([]);
      expect(objects.get(BUCKET, KEY)).toBe(older);
    },
  );

  it('completes the same upload under the policy it was created with (the control)', async () => {
    const { objects, calls, before } = setup({});
    const reference = await start(before, 'text/plain');
    calls.length = 0;

    await expect(before.complete({ owner: 'alice' }, { ...reference, parts })).resolves.toEqual(
      expect.objectContaining({ objectName: 'report.bin', size: 6 * MIB }),
    );
    expect(calls).toEqual(['completeUpload']);
    expect(objects.get(BUCKET, KEY)?.body.length).toBe(6 * MIB);
  });

  it('refuses a complete that leaves out a part, and neither completes nor aborts the upload', async () => {
    const { objects, older, calls, before } = setup({});
    const reference = await start(before);
    calls.length = 0;

    const refused = before.complete({ owner: 'alice' }, { ...reference, parts: parts.slice(0, 1) });

    await expect(refused).rejects.toMatchObject({
      code: 'invalid_request',
      message: 'parts: part 2 of 2 is missing.',
    });
    expect(calls).toEqual([]);
    expect(objects.get(BUCKET, KEY)).toBe(older);
  });

  it.each([
    { breaks: 'size', tightened: { maxUploadBytes: 5 * MIB }, code: 'payload_too_large' },
    {
      breaks: 'type',
      tightened: { allowedContentTypes: ['image/*'] },
      code: 'unsupported_media_type',
    },
  ])(
    'refuses a create that breaks the policy ($breaks) without starting an upload',
    async ({ tightened, code }) => {
      const { calls, after } = setup(tightened);

      await expect(start(after, 'text/plain')).rejects.toMatchObject({ code });
      expect(calls).toEqual([]);
    },
  );
});

describe('MultipartService: unsized uploads (the Companion routes)', () => {
  const objects = new FakeObjectStore([BUCKET]);
  const service = new MultipartService({
    store: storeThatRetypes(objects, 'application/octet-stream'),
    objects,
    bucket: BUCKET,
    policy: { maxUploadBytes: 12 * MIB, allowedContentTypes: [] },
    tokens: new UploadTokens({ key: async () => new Uint8Array(32).fill(7) }),
    uploadTtlSeconds: 60,
    uploadLifetimeSeconds: 3600,
  });
  const caller = { owner: 'alice' };

  it('caps part numbers at MAX_UPLOAD_BYTES in 5 MiB parts', () => {
    expect(service.unsizedPartLimit).toBe(3);
  });

  it('signs a part without a length, and refuses one past the limit', async () => {
    const created = await service.createUnsized(caller, { objectName: 'a.bin' });
    const reference = {
      objectName: 'a.bin',
      uploadId: created.uploadId,
      uploadToken: created.uploadToken,
    };
    await expect(
      service.signUnsizedPart(caller, { ...reference, partNumber: 3 }),
    ).resolves.toMatchObject({ url: 'fake://part' });
    await expect(
      service.signUnsizedPart(caller, { ...reference, partNumber: 4 }),
    ).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('keeps the two kinds apart: neither flow continues the other', async () => {
    const unsized = await service.createUnsized(caller, { objectName: 'b.bin' });
    await expect(
      service.signParts(caller, {
        objectName: 'b.bin',
        uploadId: unsized.uploadId,
        uploadToken: unsized.uploadToken,
        partNumbers: [1],
      }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/Companion/),
    });
    const sized = await service.create(caller, { objectName: 'c.bin', contentLength: 6 * MIB });
    await expect(
      service.completeUnsized(caller, {
        objectName: 'c.bin',
        uploadId: sized.uploadId,
        uploadToken: sized.uploadToken,
        parts: [{ partNumber: 1, etag: '"a"' }],
      }),
    ).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('completes the listed parts whatever their count, and checks the size only against the policy', async () => {
    const created = await service.createUnsized(caller, { objectName: 'd.bin' });
    const done = await service.completeUnsized(caller, {
      objectName: 'd.bin',
      uploadId: created.uploadId,
      uploadToken: created.uploadToken,
      parts: [
        { partNumber: 2, etag: '"b"' },
        { partNumber: 1, etag: '"a"' },
      ],
    });
    expect(done).toMatchObject({ objectName: 'd.bin', size: 6 * MIB });
  });
});
