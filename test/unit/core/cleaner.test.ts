import { Cleaner, type CleanerOptions } from '../../../lambdas/core/cleaner.js';
import { DraftError } from '../../../lambdas/core/errors.js';
import { FakeObjectStore } from '../../helpers/fake-object-store.js';

const DRAFT = 'uploads-draft';
const MAIN = 'uploads';
const LIFETIME_SECONDS = 3600;
const LIFETIME_MS = LIFETIME_SECONDS * 1000;
const T0 = new Date('2026-01-01T00:00:00.000Z');

/**
 * A fake store, a movable clock, and a cleaner whose retries wait for nothing and whose
 * jitter always draws the middle: a wait is then three quarters of its step.
 */
const setup = (options: Partial<CleanerOptions> = {}) => {
  let now = T0.getTime();
  const clock = () => new Date(now);
  const store = new FakeObjectStore([DRAFT, MAIN], clock);
  const sleeps: number[] = [];
  const warnings: { message: string; details: Record<string, unknown> }[] = [];
  const cleaner = new Cleaner({
    store,
    bucket: DRAFT,
    lifetimeSeconds: LIFETIME_SECONDS,
    clock,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    log: { warn: (message, details) => warnings.push({ message, details }) },
    random: () => 0.5,
    ...options,
  });
  return {
    store,
    cleaner,
    sleeps,
    warnings,
    advance: (ms: number) => {
      now += ms;
    },
  };
};

/** `count` drafts named `<owner>/draft-00001` …, all written at the store's current time. */
const seed = (store: FakeObjectStore, count: number, owner = 'alice', bytes = 10): string[] =>
  Array.from({ length: count }, (_, index) => {
    const key = `${owner}/draft-${String(index).padStart(5, '0')}`;
    store.put(DRAFT, key, Buffer.alloc(bytes));
    return key;
  });

const draftKeys = (store: FakeObjectStore) => [...store.buckets.get(DRAFT)!.keys()].sort();

describe('Cleaner.sweep', () => {
  it('keeps a draft exactly at its lifetime and deletes one a millisecond older', async () => {
    // prepare
    const { store, cleaner, advance } = setup();
    store.put(DRAFT, 'alice/older', 'x');
    advance(1);
    store.put(DRAFT, 'alice/exactly', 'y');
    advance(LIFETIME_MS);

    // act
    const summary = await cleaner.sweep();

    // assess
    expect(draftKeys(store)).toEqual(['alice/exactly']);
    expect(summary).toMatchObject({
      scanned: 2,
      expired: 1,
      deleted: 1,
      failed: 0,
      bytesFreed: 1,
      complete: true,
    });
  });

  it('walks every page of a listing and asks for at most 1000 keys a page', async () => {
    // prepare
    const { store, cleaner, advance } = setup();
    seed(store, 2500);
    advance(LIFETIME_MS + 1);

    // act
    const summary = await cleaner.sweep();

    // assess
    const pages = store.calls.filter((call) => call.operation === 'listPage');
    expect(pages).toHaveLength(3);
    for (const page of pages) expect(page.args[0]).toMatchObject({ bucket: DRAFT, maxKeys: 1000 });
    expect(summary).toMatchObject({ scanned: 2500, expired: 2500, deleted: 2500 });
    expect(draftKeys(store)).toEqual([]);
  });

  it('deletes in batches of at most 1000 keys, one request per batch', async () => {
    // prepare
    const { store, cleaner, advance } = setup();
    seed(store, 2001, 'alice', 3);
    advance(LIFETIME_MS + 1);

    // act
    const summary = await cleaner.sweep();

    // assess
    const batches = store.calls
      .filter((call) => call.operation === 'deleteMany')
      .map((call) => (call.args[1] as string[]).length);
    expect(batches).toEqual([1000, 1000, 1]);
    expect(summary).toMatchObject({ deleted: 2001, bytesFreed: 6003, failed: 0, complete: true });
  });

  it('deletes only the expired drafts among fresh ones and never touches main', async () => {
    // prepare
    const { store, cleaner, advance } = setup();
    const old = seed(store, 1500, 'alice');
    store.put(MAIN, 'alice/draft-00000', 'confirmed');
    advance(LIFETIME_MS / 2);
    const fresh = seed(store, 700, 'bob');
    advance(LIFETIME_MS / 2 + 1);

    // act
    const summary = await cleaner.sweep();

    // assess
    expect(draftKeys(store)).toEqual(fresh);
    expect(store.get(MAIN, 'alice/draft-00000')).toBeDefined();
    expect(summary).toMatchObject({ scanned: 2200, expired: old.length, deleted: old.length });
  });

  it('retries keys S3 reports as SlowDown, InternalError or ServiceUnavailable, with growing waits', async () => {
    // prepare
    const { store, cleaner, sleeps, warnings, advance } = setup({ backoffBaseMs: 100 });
    seed(store, 5);
    store.failDeleteOf('alice/draft-00001', 'SlowDown', 2);
    store.failDeleteOf('alice/draft-00002', 'InternalError', 1);
    store.failDeleteOf('alice/draft-00003', 'ServiceUnavailable', 1);
    advance(LIFETIME_MS + 1);

    // act
    const summary = await cleaner.sweep();

    // assess
    expect(draftKeys(store)).toEqual([]);
    expect(summary).toMatchObject({ deleted: 5, failed: 0, complete: true });
    const attempts = store.calls
      .filter((call) => call.operation === 'deleteMany')
      .map((call) => call.args[1]);
    expect(attempts).toEqual([
      [
        'alice/draft-00000',
        'alice/draft-00001',
        'alice/draft-00002',
        'alice/draft-00003',
        'alice/draft-00004',
      ],
      ['alice/draft-00001', 'alice/draft-00002', 'alice/draft-00003'],
      ['alice/draft-00001'],
    ]);
    // Steps of 100 and 200 ms, each drawn at three quarters (random 0.5).
    expect(sleeps).toEqual([75, 150]);
    expect(warnings).toEqual([]);
  });

  it('draws each wait between half and all of its step, from the injected random source', async () => {
    // prepare
    const draws = [0, 0.999, 0.5];
    const { store, cleaner, sleeps, advance } = setup({
      backoffBaseMs: 100,
      random: () => draws.shift()!,
    });
    seed(store, 1);
    store.failDeleteOf('alice/draft-00000', 'SlowDown', 3);
    advance(LIFETIME_MS + 1);

    // act
    const summary = await cleaner.sweep();

    // assess: steps 100, 200, 400 ms
    expect(sleeps).toEqual([50, 200, 300]);
    expect(summary).toMatchObject({ deleted: 1, failed: 0 });
  });

  it('spreads out the retries of concurrent batches that failed together', async () => {
    // prepare
    let draw = 0;
    const { store, cleaner, sleeps, advance } = setup({
      backoffBaseMs: 200,
      random: () => [0.1, 0.4, 0.7, 0.9][draw++ % 4]!,
    });
    seed(store, 4000);
    advance(LIFETIME_MS + 1);
    // The first attempt of every batch fails.
    const tried = new Set<string>();
    const deleteMany = store.deleteMany.bind(store);
    store.deleteMany = async (bucket, targets) => {
      const first = targets[0]!.key;
      if (tried.has(first)) return deleteMany(bucket, targets);
      tried.add(first);
      store.calls.push({ operation: 'deleteMany', args: [bucket, targets.map(({ key }) => key)] });
      throw new DraftError('storage_unavailable', 'SlowDown');
    };

    // act
    const summary = await cleaner.sweep({ concurrency: 4 });

    // assess
    expect(store.count('deleteMany')).toBe(8);
    expect([...sleeps].sort((a, b) => a - b)).toEqual([110, 140, 170, 190]);
    expect(summary).toMatchObject({ deleted: 4000, failed: 0, complete: true });
  });

  it('counts and logs keys that fail for good, without retrying them', async () => {
    // prepare
    const { store, cleaner, warnings, advance } = setup();
    seed(store, 4);
    store.failDeleteOf('alice/draft-00001', 'AccessDenied', Infinity);
    advance(LIFETIME_MS + 1);

    // act
    const summary = await cleaner.sweep();

    // assess
    expect(store.count('deleteMany')).toBe(1);
    expect(draftKeys(store)).toEqual(['alice/draft-00001']);
    expect(summary).toMatchObject({ expired: 4, deleted: 3, failed: 1, complete: true });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.details).toMatchObject({
      keys: 1,
      byCode: { AccessDenied: 1 },
      sample: [expect.objectContaining({ key: 'alice/draft-00001', code: 'AccessDenied' })],
    });
  });

  it('reports a key that stays retryable once its attempts run out', async () => {
    // prepare
    const { store, cleaner, sleeps, warnings, advance } = setup({ maxAttempts: 3 });
    seed(store, 2);
    store.failDeleteOf('alice/draft-00000', 'SlowDown', Infinity);
    advance(LIFETIME_MS + 1);

    // act
    const summary = await cleaner.sweep();

    // assess
    expect(store.count('deleteMany')).toBe(3);
    expect(sleeps).toHaveLength(2);
    expect(summary).toMatchObject({ deleted: 1, failed: 1, complete: true });
    expect(warnings[0]!.details).toMatchObject({ byCode: { RetriesExhausted: 1 } });
  });

  it('retries a whole delete request that failed with storage_unavailable', async () => {
    // prepare
    const { store, cleaner, sleeps, advance } = setup();
    seed(store, 3);
    store.failNext('deleteMany', new DraftError('storage_unavailable', 'try again'));
    advance(LIFETIME_MS + 1);

    // act
    const summary = await cleaner.sweep();

    // assess
    expect(store.count('deleteMany')).toBe(2);
    expect(sleeps).toHaveLength(1);
    expect(summary).toMatchObject({ deleted: 3, failed: 0 });
  });

  it('retries a list page that failed with storage_unavailable, with backoff', async () => {
    // prepare
    const { store, cleaner, sleeps, advance } = setup({ backoffBaseMs: 100 });
    seed(store, 1500);
    advance(LIFETIME_MS + 1);
    store.failNext('listPage', new DraftError('storage_unavailable', 'down'));
    store.failNext('listPage', new DraftError('storage_unavailable', 'down'));

    // act
    const summary = await cleaner.sweep();

    // assess
    expect(store.count('listPage')).toBe(4);
    expect(sleeps).toEqual([75, 150]);
    expect(summary).toMatchObject({ scanned: 1500, deleted: 1500, failed: 0, complete: true });
    expect(draftKeys(store)).toEqual([]);
  });

  it('retries the multipart-upload listing that failed with storage_unavailable', async () => {
    // prepare
    const { store, cleaner, sleeps, warnings, advance } = setup();
    store.startUpload(DRAFT, 'alice/big');
    advance(LIFETIME_MS + 1);
    store.failNext('listMultipartUploads', new DraftError('storage_unavailable', 'down'));

    // act
    const summary = await cleaner.sweep();

    // assess
    expect(store.count('listMultipartUploads')).toBe(2);
    expect(sleeps).toHaveLength(1);
    expect(summary).toMatchObject({ staleUploads: 1, abortedUploads: 1, uploadListingFailures: 0 });
    expect(warnings).toEqual([]);
  });

  it('stops, incomplete and without failing, when the deadline leaves no time to retry a listing', async () => {
    // prepare: 100 ms above the margin, and the first wait is 150 ms
    const { store, cleaner, sleeps, advance } = setup();
    seed(store, 10);
    advance(LIFETIME_MS + 1);
    store.failNext('listPage', new DraftError('storage_unavailable', 'down'));

    // act
    const summary = await cleaner.sweep({
      remainingTimeMs: () => 10_100,
      safetyMarginMs: 10_000,
    });

    // assess
    expect(summary).toMatchObject({ scanned: 0, deleted: 0, failed: 0, complete: false });
    expect(sleeps).toEqual([]);
    expect(draftKeys(store)).toHaveLength(10);
  });

  it('stops before the deadline, reports incomplete, and the next sweep finishes the job', async () => {
    // prepare: every delete request "takes" 20 s of a 65 s budget with a 10 s margin
    const { store, cleaner, advance } = setup();
    seed(store, 5000);
    advance(LIFETIME_MS + 1);
    const remainingTimeMs = () => 65_000 - store.count('deleteMany') * 20_000;

    // act
    const first = await cleaner.sweep({ remainingTimeMs, safetyMarginMs: 10_000, concurrency: 1 });
    const second = await cleaner.sweep({ remainingTimeMs: () => 900_000 });

    // assess
    expect(first).toMatchObject({ deleted: 3000, failed: 0, complete: false });
    expect(first.scanned).toBeLessThan(5000);
    expect(second).toMatchObject({ scanned: 2000, deleted: 2000, complete: true });
    expect(draftKeys(store)).toEqual([]);
  });

  it('does not start at all when the budget is already within the safety margin', async () => {
    // prepare
    const { store, cleaner, advance } = setup();
    seed(store, 10);
    advance(LIFETIME_MS + 1);

    // act
    const summary = await cleaner.sweep({ remainingTimeMs: () => 5_000, safetyMarginMs: 5_000 });

    // assess
    expect(summary).toMatchObject({ scanned: 0, deleted: 0, complete: false });
    expect(store.count('listPage')).toBe(0);
    expect(draftKeys(store)).toHaveLength(10);
  });

  it('counts expired drafts in a dry run but deletes and aborts nothing', async () => {
    // prepare
    const { store, cleaner, advance } = setup();
    seed(store, 1200);
    store.startUpload(DRAFT, 'alice/big');
    advance(LIFETIME_MS + 1);

    // act
    const summary = await cleaner.sweep({ dryRun: true });

    // assess
    expect(summary).toMatchObject({
      scanned: 1200,
      expired: 1200,
      deleted: 0,
      staleUploads: 1,
      abortedUploads: 0,
      bytesFreed: 0,
      dryRun: true,
      complete: true,
    });
    expect(store.count('deleteMany')).toBe(0);
    expect(store.count('abortMultipartUpload')).toBe(0);
    expect(draftKeys(store)).toHaveLength(1200);
  });

  it('aborts only multipart uploads started before the cutoff, across pages', async () => {
    // prepare
    const { store, cleaner, advance } = setup({ batchSize: 2 });
    const stale = ['alice/a', 'alice/b', 'alice/c'].map((key) => store.startUpload(DRAFT, key));
    store.startUpload(MAIN, 'alice/main-upload');
    advance(1);
    const exactlyAtLifetime = store.startUpload(DRAFT, 'alice/d');
    advance(LIFETIME_MS);
    const fresh = store.startUpload(DRAFT, 'alice/e');

    // act
    const summary = await cleaner.sweep();

    // assess
    expect(summary).toMatchObject({
      staleUploads: 3,
      abortedUploads: 3,
      failed: 0,
      complete: true,
    });
    expect([...store.uploads.get(DRAFT)!.keys()].sort()).toEqual([exactlyAtLifetime, fresh]);
    expect(store.uploads.get(MAIN)!.size).toBe(1);
    expect(stale.every((id) => !store.uploads.get(DRAFT)!.has(id))).toBe(true);
    expect(store.count('listMultipartUploads')).toBe(3);
  });

  it('counts the stale uploads a dry run would abort, across pages, and aborts none', async () => {
    // prepare
    const { store, cleaner, advance } = setup({ batchSize: 2 });
    for (const key of ['alice/a', 'alice/b', 'bob/c']) store.startUpload(DRAFT, key);
    advance(LIFETIME_MS + 1);
    store.startUpload(DRAFT, 'alice/fresh');

    // act
    const summary = await cleaner.sweep({ dryRun: true });

    // assess
    expect(summary).toMatchObject({ staleUploads: 3, abortedUploads: 0, failed: 0, dryRun: true });
    expect(store.count('listMultipartUploads')).toBe(2);
    expect(store.count('abortMultipartUpload')).toBe(0);
    expect(store.uploads.get(DRAFT)!.size).toBe(4);
  });

  it('retries an abort that failed with storage_unavailable', async () => {
    // prepare
    const { store, cleaner, sleeps, advance } = setup();
    store.startUpload(DRAFT, 'alice/a');
    store.failNext('abortMultipartUpload', new DraftError('storage_unavailable', 'SlowDown'));
    advance(LIFETIME_MS + 1);

    // act
    const summary = await cleaner.sweep();

    // assess
    expect(store.count('abortMultipartUpload')).toBe(2);
    expect(sleeps).toHaveLength(1);
    expect(summary).toMatchObject({ abortedUploads: 1, failed: 0 });
  });

  it('counts and logs an upload it could not abort', async () => {
    // prepare
    const { store, cleaner, warnings, advance } = setup();
    store.startUpload(DRAFT, 'alice/a');
    store.failNext('abortMultipartUpload', new DraftError('internal', 'boom'));
    advance(LIFETIME_MS + 1);

    // act
    const summary = await cleaner.sweep();

    // assess
    expect(summary).toMatchObject({ abortedUploads: 0, failed: 1 });
    expect(warnings[0]!.message).toMatch(/multipart/);
  });

  it('limits a sweep to one owner with prefix, adding the trailing slash', async () => {
    // prepare
    const { store, cleaner, advance } = setup();
    seed(store, 3, 'alice');
    const alice2 = seed(store, 2, 'alice2');
    const bob = seed(store, 2, 'bob');
    store.startUpload(DRAFT, 'alice/part');
    store.startUpload(DRAFT, 'bob/part');
    advance(LIFETIME_MS + 1);

    // act
    const summary = await cleaner.sweep({ prefix: 'alice' });

    // assess
    expect(draftKeys(store)).toEqual([...alice2, ...bob]);
    expect(summary).toMatchObject({ scanned: 3, deleted: 3, abortedUploads: 1 });
    expect(store.calls.find((call) => call.operation === 'listPage')!.args[0]).toMatchObject({
      prefix: 'alice/',
    });
    expect([...store.uploads.get(DRAFT)!.values()].map((upload) => upload.key)).toEqual([
      'bob/part',
    ]);
  });

  it('keeps at most `concurrency` delete requests in flight', async () => {
    // prepare
    const { store, cleaner, advance } = setup();
    seed(store, 6000);
    advance(LIFETIME_MS + 1);
    let inFlight = 0;
    let peak = 0;
    const deleteMany = store.deleteMany.bind(store);
    store.deleteMany = async (bucket, targets) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return deleteMany(bucket, targets);
    };

    // act
    const summary = await cleaner.sweep({ concurrency: 2 });

    // assess
    expect(peak).toBe(2);
    expect(summary).toMatchObject({ deleted: 6000, complete: true });
  });

  it.each([
    [
      'persistently unavailable (AccessDenied maps to storage_unavailable)',
      'storage_unavailable',
      4,
    ],
    ['failing for good', 'internal', 1],
  ] as const)(
    'still sweeps the objects, and logs and counts it, when the upload listing is %s',
    async (_name, code, attempts) => {
      // prepare
      const { store, cleaner, sleeps, warnings, advance } = setup();
      seed(store, 1500);
      store.startUpload(DRAFT, 'alice/big');
      advance(LIFETIME_MS + 1);
      store.listMultipartUploads = async () => {
        store.calls.push({ operation: 'listMultipartUploads', args: [] });
        throw new DraftError(code, 'Storage is unavailable (listing multipart uploads)');
      };

      // act
      const summary = await cleaner.sweep();

      // assess
      expect(store.count('listMultipartUploads')).toBe(attempts);
      expect(sleeps).toHaveLength(attempts - 1);
      expect(summary).toMatchObject({
        scanned: 1500,
        deleted: 1500,
        failed: 0,
        staleUploads: 0,
        abortedUploads: 0,
        uploadListingFailures: 1,
        complete: true,
      });
      expect(draftKeys(store)).toEqual([]);
      expect(warnings).toEqual([
        {
          message: expect.stringMatching(/multipart uploads/),
          details: { bucket: 'draft', error: expect.objectContaining({ code }) },
        },
      ]);
    },
  );

  it('lets the aborts in flight finish when a later upload page fails, then sweeps objects', async () => {
    // prepare
    const { store, cleaner, advance } = setup({ batchSize: 2 });
    for (const key of ['alice/a', 'alice/b', 'alice/c']) store.startUpload(DRAFT, key);
    seed(store, 3);
    advance(LIFETIME_MS + 1);
    const listUploads = store.listMultipartUploads.bind(store);
    store.listMultipartUploads = async (request) => {
      if (request.keyMarker !== undefined) throw new DraftError('internal', 'AccessDenied');
      return listUploads(request);
    };

    // act
    const summary = await cleaner.sweep();

    // assess
    expect(summary).toMatchObject({
      staleUploads: 2,
      abortedUploads: 2,
      uploadListingFailures: 1,
      deleted: 3,
      complete: true,
    });
    expect([...store.uploads.get(DRAFT)!.values()].map((upload) => upload.key)).toEqual([
      'alice/c',
    ]);
  });

  it('lets the deletes in flight finish before failing on a listing page that stays broken', async () => {
    // prepare
    const { store, cleaner, sleeps, advance } = setup();
    seed(store, 1500);
    advance(LIFETIME_MS + 1);
    const listPage = store.listPage.bind(store);
    store.listPage = async (request) => {
      if (request.continuationToken !== undefined) {
        throw new DraftError('storage_unavailable', 'down');
      }
      return listPage(request);
    };

    // act
    const sweep = cleaner.sweep();

    // assess
    await expect(sweep).rejects.toMatchObject({ code: 'storage_unavailable' });
    expect(sleeps).toHaveLength(3); // 4 attempts at the second page
    expect(draftKeys(store)).toHaveLength(500);
  });

  it('rejects an empty prefix and a concurrency of zero', async () => {
    // prepare
    const { cleaner } = setup();

    // act + assess
    await expect(cleaner.sweep({ prefix: ' ' })).rejects.toThrow(/prefix/);
    await expect(cleaner.sweep({ concurrency: 0 })).rejects.toThrow(/concurrency/);
  });
});

describe('Cleaner.sweep and re-uploads racing it', () => {
  /** Re-uploads `key` with new bytes right before the sweep's DeleteObjects reaches the store. */
  const reuploadBeforeDelete = (store: FakeObjectStore, key: string) => {
    const deleteMany = store.deleteMany.bind(store);
    store.deleteMany = async (bucket, targets) => {
      store.put(DRAFT, key, 'fresh upload');
      return deleteMany(bucket, targets);
    };
  };

  it('keeps a draft re-uploaded between listing and delete on stores that honour the ETag', async () => {
    // prepare
    const { store, cleaner, advance } = setup();
    seed(store, 3);
    advance(LIFETIME_MS + 1);
    reuploadBeforeDelete(store, 'alice/draft-00001');

    // act
    const summary = await cleaner.sweep();

    // assess
    expect(store.get(DRAFT, 'alice/draft-00001')?.body.toString()).toBe('fresh upload');
    expect(draftKeys(store)).toEqual(['alice/draft-00001']);
    expect(summary).toMatchObject({ expired: 3, deleted: 2, replaced: 1, failed: 0 });
  });

  it('sends the ETag each key was listed with', async () => {
    // prepare
    const { store, cleaner, advance } = setup();
    const [key] = seed(store, 1);
    const listedEtag = store.get(DRAFT, key!)!.etag;
    advance(LIFETIME_MS + 1);

    // act
    await cleaner.sweep();

    // assess
    const call = store.calls.find((entry) => entry.operation === 'deleteMany')!;
    expect(call.args[2]).toEqual([{ key, etag: listedEtag }]);
  });

  it('pins what stores that ignore the ETag do: the re-upload is deleted (see docs/store-quirks.md)', async () => {
    // prepare
    const { store, cleaner, advance } = setup();
    store.honoursDeleteEtags = false;
    seed(store, 2);
    advance(LIFETIME_MS + 1);
    reuploadBeforeDelete(store, 'alice/draft-00001');

    // act
    const summary = await cleaner.sweep();

    // assess
    expect(draftKeys(store)).toEqual([]);
    expect(summary).toMatchObject({ deleted: 2, replaced: 0 });
  });

  it("deletes each page's expired drafts before listing the next page, keeping the window short", async () => {
    // prepare: 3 pages of 4 keys, every other key expired
    const { store, cleaner } = setup({ batchSize: 4 });
    for (let index = 0; index < 12; index += 1) {
      store.put(DRAFT, `alice/${String(index).padStart(2, '0')}`, 'x', {
        lastModified: new Date(T0.getTime() - (index % 2 === 0 ? 2 * LIFETIME_MS : 0)),
      });
    }

    // act
    const summary = await cleaner.sweep({ concurrency: 1 });

    // assess
    const sequence = store.calls
      .map((call) => call.operation)
      .filter((operation) => operation === 'listPage' || operation === 'deleteMany');
    expect(sequence).toEqual([
      'listPage',
      'deleteMany',
      'listPage',
      'deleteMany',
      'listPage',
      'deleteMany',
    ]);
    expect(summary).toMatchObject({ scanned: 12, expired: 6, deleted: 6 });
  });
});

describe('Cleaner.sweep of abandoned multipart copies in the main bucket', () => {
  it('aborts main uploads older than abandonedCopySeconds, keeps younger ones and every object', async () => {
    // prepare
    const { store, cleaner, advance } = setup({ mainBucket: MAIN, abandonedCopySeconds: 600 });
    store.put(MAIN, 'alice/confirmed.bin', 'kept');
    store.startUpload(MAIN, 'alice/lost-abort.bin');
    store.startUpload(MAIN, 'alice/lost-abort.bin');
    advance(601_000);
    store.startUpload(MAIN, 'alice/copy-in-progress.bin');

    // act
    const summary = await cleaner.sweep();

    // assess
    expect([...store.uploads.get(MAIN)!.values()].map((upload) => upload.key)).toEqual([
      'alice/copy-in-progress.bin',
    ]);
    expect(store.get(MAIN, 'alice/confirmed.bin')?.body.toString()).toBe('kept');
    expect(summary).toMatchObject({ staleUploads: 2, abortedUploads: 2, deleted: 0 });
    const listed = store.calls
      .filter((call) => call.operation === 'listMultipartUploads')
      .map((call) => (call.args[0] as { bucket: string }).bucket);
    expect(listed).toEqual([DRAFT, MAIN]);
  });

  it('only counts them in a dry run', async () => {
    // prepare
    const { store, cleaner, advance } = setup({ mainBucket: MAIN });
    store.startUpload(MAIN, 'alice/lost-abort.bin');
    advance(3_600_001);

    // act
    const summary = await cleaner.sweep({ dryRun: true });

    // assess
    expect(store.uploads.get(MAIN)!.size).toBe(1);
    expect(summary).toMatchObject({ staleUploads: 1, abortedUploads: 0 });
  });
});

describe('Cleaner.sweep lists both buckets at once', () => {
  it('sends the three listings before any has answered, and still sweeps what they find', async () => {
    const { store, cleaner, advance } = setup({ mainBucket: MAIN });
    seed(store, 2);
    advance(LIFETIME_MS + 1);
    // Each listing waits until all three are out: a sweep that listed one after another
    // would wait forever (and time out), so this cannot pass by accident.
    const started: string[] = [];
    let allOut: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (allOut = resolve));
    const held =
      <A extends unknown[], R>(name: string, list: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        started.push(name);
        if (started.length === 3) allOut();
        await gate;
        return list(...args);
      };
    store.listMultipartUploads = held('uploads', store.listMultipartUploads.bind(store));
    store.listPage = held('objects', store.listPage.bind(store));

    const summary = await cleaner.sweep();

    expect(started.sort()).toEqual(['objects', 'uploads', 'uploads']);
    expect(summary).toMatchObject({ scanned: 2, expired: 2, deleted: 2, complete: true });
    expect(draftKeys(store)).toEqual([]);
  });
});
