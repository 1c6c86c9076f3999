import { CONFIRMED_FROM_METADATA } from '../../../lambdas/core/confirmation-marker.js';
import { DraftService } from '../../../lambdas/core/draft-service.js';
import { DraftError } from '../../../lambdas/core/errors.js';
import { FakeObjectStore } from '../../helpers/fake-object-store.js';

const buckets = { draft: 'drafts', main: 'uploads' };
const alice = { owner: 'alice' };
const bob = { owner: 'bob' };
const now = new Date('2026-01-01T00:00:00Z');

const setup = (policy = { maxUploadBytes: 1000, allowedContentTypes: [] as string[] }) => {
  const store = new FakeObjectStore([buckets.draft, buckets.main], () => now);
  const service = new DraftService({
    store,
    forms: store,
    buckets,
    policy,
    uploadTtlSeconds: 600,
    downloadTtlSeconds: 60,
    clock: () => now,
  });
  return { store, service };
};

const codeOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DraftError);
    return (error as DraftError).code;
  }
  throw new Error('the call succeeded');
};

describe('DraftService.uploadUrl', () => {
  it('presigns a PUT into the draft bucket under the owner prefix', async () => {
    const { store, service } = setup();

    const ticket = await service.uploadUrl(alice, {
      objectName: 'a.txt',
      contentType: 'text/plain',
      contentLength: 5,
    });

    expect(ticket.url).toBe('fake://drafts/alice/a.txt?put&expires=600');
    expect(ticket.method).toBe('PUT');
    expect(ticket.headers).toEqual({ 'content-type': 'text/plain', 'content-length': '5' });
    expect(ticket.expiresAt.toISOString()).toBe('2026-01-01T00:10:00.000Z');
    expect(store.count('presignPut')).toBe(1);
  });

  it('refuses a declared size over the limit before signing anything', async () => {
    const { store, service } = setup();

    expect(await codeOf(service.uploadUrl(alice, { objectName: 'a', contentLength: 1001 }))).toBe(
      'payload_too_large',
    );
    expect(store.count('presignPut')).toBe(0);
  });

  it('refuses a type outside ALLOWED_CONTENT_TYPES, and a missing type when a list is set', async () => {
    const { service } = setup({ maxUploadBytes: 1000, allowedContentTypes: ['image/*'] });

    expect(
      await codeOf(
        service.uploadUrl(alice, { objectName: 'a', contentType: 'text/html', contentLength: 1 }),
      ),
    ).toBe('unsupported_media_type');
    expect(await codeOf(service.uploadUrl(alice, { objectName: 'a', contentLength: 1 }))).toBe(
      'unsupported_media_type',
    );
    await expect(
      service.uploadUrl(alice, { objectName: 'a', contentType: 'image/png', contentLength: 1 }),
    ).resolves.toBeDefined();
  });

  it('refuses an invalid name', async () => {
    const { service } = setup();
    expect(await codeOf(service.uploadUrl(alice, { objectName: '../bob/x' }))).toBe(
      'invalid_object_name',
    );
  });

  it('requires a declared length when a limit below 5 GiB is configured', async () => {
    const { store, service } = setup();

    expect(await codeOf(service.uploadUrl(alice, { objectName: 'a' }))).toBe('invalid_request');
    expect(store.count('presignPut')).toBe(0);
  });

  it('signs an upload without a length when no limit is configured', async () => {
    const { service } = setup({ maxUploadBytes: 5 * 1024 ** 3, allowedContentTypes: [] });

    const ticket = await service.uploadUrl(alice, { objectName: 'a' });

    expect(ticket.headers).toEqual({});
  });

  it('passes the MD5 and SHA-256 through to be signed', async () => {
    const { store, service } = setup();
    const md5 = Buffer.alloc(16, 1).toString('base64');
    const sha = Buffer.alloc(32, 2).toString('base64');

    const ticket = await service.uploadUrl(alice, {
      objectName: 'a',
      contentLength: 3,
      contentMd5: md5,
      checksumSha256: sha,
    });

    expect(ticket.headers).toEqual({
      'content-length': '3',
      'content-md5': md5,
      'x-amz-checksum-sha256': sha,
    });
    expect(store.count('presignPut')).toBe(1);
  });
});

describe('DraftService.uploadForm', () => {
  it('presigns a POST form for the exact key, type, size range and expiry', async () => {
    const { store, service } = setup();

    const form = await service.uploadForm(alice, {
      objectName: 'a.txt',
      contentType: 'text/plain',
    });

    expect(form).toEqual({
      url: 'fake://drafts',
      method: 'POST',
      fields: { key: 'alice/a.txt', 'Content-Type': 'text/plain', policy: '0-1000&expires=600' },
      objectName: 'a.txt',
      contentType: 'text/plain',
      minBytes: 0,
      maxBytes: 1000,
      expiresAt: new Date('2026-01-01T00:10:00.000Z'),
    });
    expect(store.count('presignPost')).toBe(1);
  });

  it('fails as internal, signing nothing, when composed without a form presigner', async () => {
    const store = new FakeObjectStore([buckets.draft, buckets.main], () => now);
    const service = new DraftService({
      store,
      buckets,
      policy: { maxUploadBytes: 1000, allowedContentTypes: [] },
      uploadTtlSeconds: 600,
      downloadTtlSeconds: 60,
    });

    await expect(codeOf(service.uploadForm(alice, { objectName: 'a.txt' }))).resolves.toBe(
      'internal',
    );
    expect(store.calls).toEqual([]);
  });

  it('defaults the type to application/octet-stream', async () => {
    const { service } = setup();

    const form = await service.uploadForm(alice, { objectName: 'a.bin' });

    expect(form.contentType).toBe('application/octet-stream');
    expect(form.fields['Content-Type']).toBe('application/octet-stream');
  });

  it('requires an allowed type when ALLOWED_CONTENT_TYPES is set', async () => {
    const { store, service } = setup({ maxUploadBytes: 1000, allowedContentTypes: ['image/*'] });

    expect(await codeOf(service.uploadForm(alice, { objectName: 'a' }))).toBe(
      'unsupported_media_type',
    );
    expect(
      await codeOf(service.uploadForm(alice, { objectName: 'a', contentType: 'text/html' })),
    ).toBe('unsupported_media_type');
    expect(store.count('presignPost')).toBe(0);
    await expect(
      service.uploadForm(alice, { objectName: 'a', contentType: 'image/png' }),
    ).resolves.toMatchObject({ contentType: 'image/png' });
  });

  it('refuses an invalid name', async () => {
    const { service } = setup();
    expect(await codeOf(service.uploadForm(alice, { objectName: 'a//b' }))).toBe(
      'invalid_object_name',
    );
  });
});

describe('DraftService.downloadUrl', () => {
  it('presigns a GET for an existing draft by default', async () => {
    const { store, service } = setup();
    store.put(buckets.draft, 'alice/a.txt', 'hello');

    const ticket = await service.downloadUrl(alice, { objectName: 'a.txt' });

    expect(ticket.url).toBe('fake://drafts/alice/a.txt?get&expires=60');
    expect(ticket.stage).toBe('draft');
  });

  it('presigns a GET in the main bucket for stage "main"', async () => {
    const { store, service } = setup();
    store.put(buckets.main, 'alice/a.txt', 'hello');

    expect((await service.downloadUrl(alice, { objectName: 'a.txt', stage: 'main' })).url).toBe(
      'fake://uploads/alice/a.txt?get&expires=60',
    );
  });

  it("answers not_found for a missing object, and for another owner's object", async () => {
    const { store, service } = setup();
    store.put(buckets.draft, 'alice/a.txt', 'hello');

    expect(await codeOf(service.downloadUrl(alice, { objectName: 'missing' }))).toBe('not_found');
    expect(await codeOf(service.downloadUrl(bob, { objectName: 'a.txt' }))).toBe('not_found');
    expect(store.count('presignGet')).toBe(0);
  });
});

describe('DraftService.downloadUrl content disposition', () => {
  const withInline = () => {
    const store = new FakeObjectStore([buckets.draft, buckets.main], () => now);
    const service = new DraftService({
      store,
      buckets,
      policy: { maxUploadBytes: 1000, allowedContentTypes: [] },
      inlineContentTypes: ['image/png', 'text/plain', 'video/*'],
      uploadTtlSeconds: 600,
      downloadTtlSeconds: 60,
      clock: () => now,
    });
    return { store, service };
  };
  const signedDisposition = (store: FakeObjectStore): unknown =>
    (
      store.calls.find((call) => call.operation === 'presignGet')?.args[0] as {
        contentDisposition?: string;
      }
    ).contentDisposition;

  it.each([
    ['text/html', 'attachment'],
    ['image/svg+xml', 'attachment'],
    ['application/octet-stream', 'attachment'],
    [undefined, 'attachment'],
    ['image/png', 'inline'],
    ['Text/Plain; charset=utf-8', 'inline'],
    ['video/mp4', 'inline'],
  ])('signs a stored %s as %s, from the HEAD it already makes', async (type, disposition) => {
    const { store, service } = withInline();
    store.put(
      buckets.draft,
      'alice/dir/page.html',
      'x',
      type === undefined ? {} : { contentType: type },
    );

    await service.downloadUrl(alice, { objectName: 'dir/page.html' });

    expect(signedDisposition(store)).toBe(
      `${disposition}; filename="page.html"; filename*=UTF-8''page.html`,
    );
    expect(store.count('head')).toBe(1);
    expect(store.calls).toHaveLength(2);
  });

  it('serves everything as an attachment without an inline list', async () => {
    const { store, service } = setup();
    store.put(buckets.draft, 'alice/a.png', 'x', { contentType: 'image/png' });
    await service.downloadUrl(alice, { objectName: 'a.png' });
    expect(signedDisposition(store)).toMatch(/^attachment; /);
  });
});

describe('DraftService.confirm', () => {
  it('moves the draft to main with its bytes, type and metadata, and marks it', async () => {
    const { store, service } = setup();
    const draft = store.put(buckets.draft, 'alice/a.txt', 'hello', {
      contentType: 'text/plain',
      metadata: { origin: 'camera' },
    });

    const confirmed = await service.confirm(alice, { objectName: 'a.txt' });

    expect(confirmed).toEqual({
      objectName: 'a.txt',
      bucket: 'uploads',
      key: 'alice/a.txt',
      size: 5,
      contentType: 'text/plain',
      etag: draft.etag.replaceAll('"', ''),
    });
    expect(store.get(buckets.draft, 'alice/a.txt')).toBeUndefined();
    const main = store.get(buckets.main, 'alice/a.txt');
    expect(main?.body.toString()).toBe('hello');
    expect(main?.contentType).toBe('text/plain');
    expect(main?.metadata).toEqual({
      origin: 'camera',
      [CONFIRMED_FROM_METADATA]: draft.etag.replaceAll('"', ''),
    });
  });

  it('answers a retry after success with the same confirmation', async () => {
    const { store, service } = setup();
    store.put(buckets.draft, 'alice/a.txt', 'hello', { contentType: 'text/plain' });

    const first = await service.confirm(alice, { objectName: 'a.txt' });
    const second = await service.confirm(alice, { objectName: 'a.txt' });

    expect(second).toEqual(first);
    expect(store.count('copy')).toBe(1);
  });

  it('answers not_found for a name that was never uploaded, even when main holds an unmarked object', async () => {
    const { store, service } = setup();
    store.put(buckets.main, 'alice/legacy.txt', 'old');

    expect(await codeOf(service.confirm(alice, { objectName: 'never.txt' }))).toBe('not_found');
    expect(await codeOf(service.confirm(alice, { objectName: 'legacy.txt' }))).toBe('not_found');
  });

  it('finishes the move after a crash between copy and delete, copying the same bytes again', async () => {
    const { store, service } = setup();
    store.put(buckets.draft, 'alice/a.txt', 'hello');
    store.failNext('delete', new DraftError('storage_unavailable', 'connection reset'));

    expect(await codeOf(service.confirm(alice, { objectName: 'a.txt' }))).toBe(
      'storage_unavailable',
    );
    expect(store.get(buckets.draft, 'alice/a.txt')?.body.toString()).toBe('hello');
    expect(store.get(buckets.main, 'alice/a.txt')?.body.toString()).toBe('hello');

    const retried = await service.confirm(alice, { objectName: 'a.txt' });

    expect(retried.size).toBe(5);
    expect(store.count('copy')).toBe(2);
    expect(store.get(buckets.main, 'alice/a.txt')?.body.toString()).toBe('hello');
    expect(store.get(buckets.draft, 'alice/a.txt')).toBeUndefined();
  });

  it('copies again when the draft was re-uploaded with new bytes after a confirmed version', async () => {
    const { store, service } = setup();
    store.put(buckets.draft, 'alice/a.txt', 'v1');
    await service.confirm(alice, { objectName: 'a.txt' });
    store.put(buckets.draft, 'alice/a.txt', 'v2');

    await service.confirm(alice, { objectName: 'a.txt' });

    expect(store.get(buckets.main, 'alice/a.txt')?.body.toString()).toBe('v2');
    expect(store.count('copy')).toBe(2);
  });

  it('copies again when the same bytes are re-uploaded with another content type', async () => {
    const { store, service } = setup();
    store.put(buckets.draft, 'alice/a.txt', 'hello', { contentType: 'text/plain' });
    await service.confirm(alice, { objectName: 'a.txt' });
    store.put(buckets.draft, 'alice/a.txt', 'hello', { contentType: 'application/json' });

    const confirmed = await service.confirm(alice, { objectName: 'a.txt' });

    expect(confirmed.contentType).toBe('application/json');
    expect(store.get(buckets.main, 'alice/a.txt')?.contentType).toBe('application/json');
    expect(store.count('copy')).toBe(2);
  });

  it('reports conflict and changes nothing when the draft changes between head and copy', async () => {
    const { store, service } = setup();
    store.put(buckets.draft, 'alice/a.txt', 'hello');
    store.failNext('copy', new DraftError('conflict', 'precondition failed'));

    expect(await codeOf(service.confirm(alice, { objectName: 'a.txt' }))).toBe('conflict');
    expect(store.get(buckets.draft, 'alice/a.txt')?.body.toString()).toBe('hello');
    expect(store.get(buckets.main, 'alice/a.txt')).toBeUndefined();
  });

  it('keeps a draft that was re-uploaded after the copy, and still confirms the copied version', async () => {
    const { store, service } = setup();
    store.put(buckets.draft, 'alice/a.txt', 'v1');
    const realCopy = store.copy.bind(store);
    store.copy = async (request) => {
      const result = await realCopy(request);
      store.put(buckets.draft, 'alice/a.txt', 'v2'); // a client re-uploads mid-confirm
      return result;
    };

    const confirmed = await service.confirm(alice, { objectName: 'a.txt' });

    expect(confirmed.size).toBe(2);
    expect(store.get(buckets.main, 'alice/a.txt')?.body.toString()).toBe('v1');
    expect(store.get(buckets.draft, 'alice/a.txt')?.body.toString()).toBe('v2');
  });

  it('re-checks the stored draft against the policy and leaves it in place when it breaks it', async () => {
    const { store, service } = setup({ maxUploadBytes: 3, allowedContentTypes: ['image/*'] });
    store.put(buckets.draft, 'alice/big.png', 'toolarge', { contentType: 'image/png' });
    store.put(buckets.draft, 'alice/page.html', 'x', { contentType: 'text/html' });

    expect(await codeOf(service.confirm(alice, { objectName: 'big.png' }))).toBe(
      'payload_too_large',
    );
    expect(await codeOf(service.confirm(alice, { objectName: 'page.html' }))).toBe(
      'unsupported_media_type',
    );
    expect(store.count('copy')).toBe(0);
    expect(store.get(buckets.draft, 'alice/big.png')).toBeDefined();
  });

  it.each([
    {
      breaks: 'size',
      policy: { maxUploadBytes: 3, allowedContentTypes: [] },
      code: 'payload_too_large',
    },
    {
      breaks: 'type',
      policy: { maxUploadBytes: 1000, allowedContentTypes: ['image/*'] },
      code: 'unsupported_media_type',
    },
  ])(
    'refuses a draft that breaks the policy ($breaks) with only a HEAD: main keeps its older copy',
    async ({ policy, code }) => {
      const { store, service } = setup(policy);
      const older = store.put(buckets.main, 'alice/r.txt', 'v1', { contentType: 'image/png' });
      const draft = store.put(buckets.draft, 'alice/r.txt', 'version 2', {
        contentType: 'text/plain',
      });

      expect(await codeOf(service.confirm(alice, { objectName: 'r.txt' }))).toBe(code);
      expect(store.calls.map((call) => call.operation)).toEqual(['head']);
      expect(store.get(buckets.main, 'alice/r.txt')).toBe(older);
      expect(store.get(buckets.draft, 'alice/r.txt')).toBe(draft);
    },
  );

  it("never confirms another owner's draft", async () => {
    const { store, service } = setup();
    store.put(buckets.draft, 'alice/a.txt', 'hello');

    expect(await codeOf(service.confirm(bob, { objectName: 'a.txt' }))).toBe('not_found');
    expect(store.get(buckets.draft, 'alice/a.txt')).toBeDefined();
  });

  it('passes storage failures through and loses nothing', async () => {
    const { store, service } = setup();
    store.put(buckets.draft, 'alice/a.txt', 'hello');
    store.failNext('copy', new DraftError('storage_unavailable', 'SlowDown'));

    expect(await codeOf(service.confirm(alice, { objectName: 'a.txt' }))).toBe(
      'storage_unavailable',
    );
    expect(store.get(buckets.draft, 'alice/a.txt')?.body.toString()).toBe('hello');
  });

  it('ends with the bytes in exactly one bucket under concurrent confirms', async () => {
    const { store, service } = setup();
    store.put(buckets.draft, 'alice/a.txt', 'hello');

    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => service.confirm(alice, { objectName: 'a.txt' })),
    );

    expect(results.filter((result) => result.status === 'fulfilled').length).toBeGreaterThan(0);
    expect(store.get(buckets.draft, 'alice/a.txt')).toBeUndefined();
    expect(store.get(buckets.main, 'alice/a.txt')?.body.toString()).toBe('hello');
  });

  it('finishes the move when the copy was applied but its answer lost (retry sees no upload)', async () => {
    const { store, service } = setup();
    store.put(buckets.draft, 'alice/a.txt', 'hello');
    const copy = store.copy.bind(store);
    store.copy = async (request) => {
      await copy(request);
      throw new DraftError('not_found', 'NoSuchUpload on a retried CompleteMultipartUpload');
    };

    const confirmed = await service.confirm(alice, { objectName: 'a.txt' });

    expect(confirmed).toMatchObject({ key: 'alice/a.txt', size: 5 });
    expect(store.get(buckets.draft, 'alice/a.txt')).toBeUndefined();
    expect(store.get(buckets.main, 'alice/a.txt')?.body.toString()).toBe('hello');
  });

  it('still answers not_found when the draft vanished and main has no copy of it', async () => {
    const { store, service } = setup();
    store.put(buckets.draft, 'alice/a.txt', 'hello');
    store.failNext('copy', new DraftError('not_found', 'NoSuchKey'));

    expect(await codeOf(service.confirm(alice, { objectName: 'a.txt' }))).toBe('not_found');
    expect(store.get(buckets.main, 'alice/a.txt')).toBeUndefined();
  });
});

describe('DraftService.health', () => {
  it('is healthy when both buckets answer', async () => {
    const { service } = setup();
    expect(await service.health()).toEqual({ healthy: true, buckets: { draft: 'ok', main: 'ok' } });
  });

  it('names the bucket that does not answer', async () => {
    const { store, service } = setup();
    store.failNext('checkBucket', new DraftError('storage_unavailable', 'down'));
    const report = await service.health();
    expect(report.healthy).toBe(false);
    expect(Object.values(report.buckets)).toContain('unavailable');
  });
});
