import { jest } from '@jest/globals';
import { bearerFor, type TestRuntime } from '../helpers/local-runtime.js';
import { putObjects } from '../helpers/seed-objects.js';
import {
  describeEachStore,
  describeRgw,
  postForm,
  putWith,
  startStoreRuntime,
  type StoreName,
} from './stores.js';

jest.setTimeout(180_000);

const alice = bearerFor('alice');
const bob = bearerFor('bob');

interface Page {
  objects: { object_name: string; size: number; etag: string; last_modified: string }[];
  prefixes: string[];
  next_cursor?: string;
}

/** A runtime on `store` for the suite, with the calls its tests share. */
const suiteOn = (store: StoreName) => {
  const suite = { api: undefined as unknown as TestRuntime };
  beforeAll(async () => {
    suite.api = await startStoreRuntime(store);
  });
  afterAll(async () => {
    await suite.api?.stop();
  });
  return suite;
};

describeRgw('folder listings page like S3', () => {
  const suite = suiteOn('rgw');

  // The embedded store (s3rver) counts only keys toward max-keys and never reports a folder
  // that holds only folders (here `c/`), so this runs on RGW only.
  it('never repeats or loses a folder across pages of one entry', async () => {
    const { api } = suite;
    await putObjects(
      api.services.client,
      api.config.buckets.main,
      ['a.txt', 'b/1.txt', 'b/2.txt', 'c/deep/3.txt', 'd.txt', 'e/4.txt'].map(
        (name) => `alice/tree/${name}`,
      ),
      new Uint8Array(Buffer.from('leaf')),
    );
    const names: string[] = [];
    const prefixes: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await api.post(
        '/api/v1/list-objects',
        { prefix: 'tree/', delimiter: '/', limit: 1, ...(cursor && { cursor }) },
        alice,
      );
      expect(response.status).toBe(200);
      expect(response.json.objects.length + response.json.prefixes.length).toBe(1);
      names.push(...response.json.objects.map((o: { object_name: string }) => o.object_name));
      prefixes.push(...response.json.prefixes);
      cursor = response.json.next_cursor;
      pages += 1;
    } while (cursor !== undefined);

    expect(names).toEqual(['tree/a.txt', 'tree/d.txt']);
    expect(prefixes).toEqual(['tree/b/', 'tree/c/', 'tree/e/']);
    expect(pages).toBe(5);
  });
});

describeEachStore('object info, listing and deletion', (store) => {
  const suite = suiteOn(store);
  let api: TestRuntime;
  beforeEach(() => {
    api = suite.api;
  });

  /** Uploads through a presigned PUT, as a client does; confirms unless told not to. */
  const upload = async (
    who: Record<string, string>,
    name: string,
    body: string,
    options: { metadata?: Record<string, string>; confirm?: boolean } = {},
  ) => {
    const ticket = await api.post(
      '/api/v1/upload-url',
      {
        object_name: name,
        content_type: 'text/plain',
        content_length: Buffer.byteLength(body),
        ...(options.metadata && { metadata: options.metadata }),
      },
      who,
    );
    expect(ticket.status).toBe(200);
    expect((await putWith(ticket.json.upload_url, ticket.json.headers, body)).status).toBe(200);
    if (options.confirm !== false) {
      expect((await api.post('/api/v1/confirm-upload', { object_name: name }, who)).status).toBe(
        200,
      );
    }
  };

  /** Every page of a listing, following next_cursor; counts the requests. */
  const listAll = async (who: Record<string, string>, request: Record<string, unknown>) => {
    const pages: Page[] = [];
    let cursor: string | undefined;
    do {
      const response = await api.post(
        '/api/v1/list-objects',
        { ...request, ...(cursor && { cursor }) },
        who,
      );
      expect(response.status).toBe(200);
      pages.push(response.json as Page);
      cursor = (response.json as Page).next_cursor;
    } while (cursor !== undefined);
    return {
      pages,
      names: pages.flatMap((page) => page.objects.map((object) => object.object_name)),
      prefixes: pages.flatMap((page) => page.prefixes),
    };
  };

  it('keeps custom metadata from a signed PUT through confirm, without the internal marker', async () => {
    const metadata = { 'camera-model': 'X100V', album: 'Summer 2026', 'shot-id': '42' };
    await upload(alice, 'meta/photo.txt', 'pixels', { metadata, confirm: false });

    const draft = await api.post(
      '/api/v1/object-info',
      { object_name: 'meta/photo.txt', stage: 'draft' },
      alice,
    );
    expect(draft.status).toBe(200);
    expect(draft.json.metadata).toEqual(metadata);

    expect(
      (await api.post('/api/v1/confirm-upload', { object_name: 'meta/photo.txt' }, alice)).status,
    ).toBe(200);
    const main = await api.post('/api/v1/object-info', { object_name: 'meta/photo.txt' }, alice);
    expect(main.status).toBe(200);
    expect(main.json).toEqual({
      object_name: 'meta/photo.txt',
      stage: 'main',
      size: 6,
      content_type: 'text/plain',
      etag: expect.stringMatching(/^[0-9a-f]{32}$/),
      last_modified: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      metadata,
    });
    // The confirm marker is on the stored object, but never shown as the client's own.
    const stored = await api.services.store.head(api.config.buckets.main, 'alice/meta/photo.txt');
    expect(Object.keys(stored!.metadata)).toContain('draftstore-confirmed-from');
  });

  it('keeps custom metadata from a POST form through confirm', async () => {
    const metadata = { source: 'web-form' };
    const form = await api.post(
      '/api/v1/upload-form',
      { object_name: 'meta/form.txt', content_type: 'text/plain', metadata },
      alice,
    );
    expect(form.status).toBe(200);
    expect(form.json.fields['x-amz-meta-source']).toBe('web-form');
    const posted = await postForm(form.json.url, form.json.fields, 'form bytes');
    expect(posted.status).toBeLessThan(300);
    expect(
      (await api.post('/api/v1/confirm-upload', { object_name: 'meta/form.txt' }, alice)).status,
    ).toBe(200);

    const info = await api.post('/api/v1/object-info', { object_name: 'meta/form.txt' }, alice);
    expect(info.json.metadata).toEqual(metadata);
  });

  it('pages through more than 1000 objects, every name exactly once, in order', async () => {
    const count = 1003;
    const names = Array.from(
      { length: count },
      (_, index) => `many/item-${String(index).padStart(5, '0')}.txt`,
    );
    await putObjects(
      api.services.client,
      api.config.buckets.main,
      names.map((name) => `alice/${name}`),
      new Uint8Array(Buffer.from('x')),
    );

    const listed = await listAll(alice, { prefix: 'many/', limit: 1000 });

    expect(listed.pages.map((page) => page.objects.length)).toEqual([1000, 3]);
    expect(listed.names).toEqual(names);
    expect(listed.pages[0]!.objects[0]).toEqual({
      object_name: 'many/item-00000.txt',
      size: 1,
      etag: expect.stringMatching(/^[0-9a-f]{32}$/),
      last_modified: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    const small = await listAll(alice, { prefix: 'many/', limit: 250 });
    expect(small.pages).toHaveLength(5);
    expect(small.names).toEqual(names);
  });

  it('browses folders with prefix and delimiter "/"', async () => {
    for (const name of [
      'tree/a.txt',
      'tree/b/1.txt',
      'tree/b/2.txt',
      'tree/c/deep/3.txt',
      'tree/c/5.txt',
      'tree/d.txt',
      'tree/e/4.txt',
    ]) {
      await upload(alice, name, 'leaf');
    }

    const root = await listAll(alice, { prefix: 'tree/', delimiter: '/' });
    expect(root.names).toEqual(['tree/a.txt', 'tree/d.txt']);
    expect(root.prefixes).toEqual(['tree/b/', 'tree/c/', 'tree/e/']);

    const folder = await listAll(alice, { prefix: 'tree/c/', delimiter: '/' });
    expect(folder).toMatchObject({ names: ['tree/c/5.txt'], prefixes: ['tree/c/deep/'] });

    const flat = await listAll(alice, { prefix: 'tree/b/' });
    expect(flat.names).toEqual(['tree/b/1.txt', 'tree/b/2.txt']);
  });

  it('lists drafts and confirmed objects apart', async () => {
    await upload(alice, 'stages/draft-only.txt', 'draft', { confirm: false });
    await upload(alice, 'stages/confirmed.txt', 'main');

    const drafts = await listAll(alice, { stage: 'draft', prefix: 'stages/' });
    const main = await listAll(alice, { prefix: 'stages/' });

    expect(drafts.names).toEqual(['stages/draft-only.txt']);
    expect(main.names).toEqual(['stages/confirmed.txt']);
  });

  it('deletes a draft and a confirmed object, idempotently', async () => {
    await upload(alice, 'gone/draft.txt', 'draft', { confirm: false });
    await upload(alice, 'gone/main.txt', 'main');

    for (const [name, stage] of [
      ['gone/draft.txt', 'draft'],
      ['gone/main.txt', 'main'],
    ] as const) {
      const first = await api.post('/api/v1/delete-object', { object_name: name, stage }, alice);
      const again = await api.post('/api/v1/delete-object', { object_name: name, stage }, alice);
      expect([first.status, first.json]).toEqual([200, { deleted: true }]);
      expect([again.status, again.json]).toEqual([200, { deleted: true }]);
      const info = await api.post('/api/v1/object-info', { object_name: name, stage }, alice);
      expect([info.status, info.json.error.code]).toEqual([404, 'not_found']);
    }
    expect((await listAll(alice, { prefix: 'gone/' })).names).toEqual([]);
    expect((await listAll(alice, { prefix: 'gone/', stage: 'draft' })).names).toEqual([]);
  });

  it("never shows or touches another owner's objects", async () => {
    await upload(bob, 'bobs/secret.txt', 'bob only', { metadata: { owner: 'bob' } });
    await upload(bob, 'bobs/pending.txt', 'bob draft', { confirm: false });

    const info = await api.post('/api/v1/object-info', { object_name: 'bobs/secret.txt' }, alice);
    const draftInfo = await api.post(
      '/api/v1/object-info',
      { object_name: 'bobs/pending.txt', stage: 'draft' },
      alice,
    );
    const climb = await api.post(
      '/api/v1/object-info',
      { object_name: '../bob/bobs/secret.txt' },
      alice,
    );
    expect([info.status, info.json.error.code]).toEqual([404, 'not_found']);
    expect([draftInfo.status, draftInfo.json.error.code]).toEqual([404, 'not_found']);
    expect([climb.status, climb.json.error.code]).toEqual([400, 'invalid_object_name']);

    const listing = await listAll(alice, { prefix: 'bobs/' });
    const everything = await listAll(alice, {});
    expect(listing.names).toEqual([]);
    expect(everything.names.some((name) => name.startsWith('bobs/'))).toBe(false);
    const climbList = await api.post('/api/v1/list-objects', { prefix: '../bob/' }, alice);
    expect([climbList.status, climbList.json.objects]).toEqual([200, []]);

    // Deleting "the same name" deletes only the caller's (absent) object: bob's stays.
    for (const [name, stage] of [
      ['bobs/secret.txt', 'main'],
      ['bobs/pending.txt', 'draft'],
    ] as const) {
      const removed = await api.post('/api/v1/delete-object', { object_name: name, stage }, alice);
      expect([removed.status, removed.json]).toEqual([200, { deleted: true }]);
      const kept = await api.post('/api/v1/object-info', { object_name: name, stage }, bob);
      expect(kept.status).toBe(200);
    }
  });

  it("refuses a cursor edited to continue in another owner's space", async () => {
    await upload(bob, 'cursor/b1.txt', 'b');
    await upload(alice, 'cursor/a1.txt', 'a');
    await upload(alice, 'cursor/a2.txt', 'a');

    const first = await api.post('/api/v1/list-objects', { prefix: 'cursor/', limit: 1 }, alice);
    expect(first.status).toBe(200);
    const cursor = first.json.next_cursor as string;
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    expect(position.a).toBe('alice/cursor/a1.txt');

    const forge = (after: string) =>
      Buffer.from(JSON.stringify({ ...position, a: after })).toString('base64url');
    for (const forged of [forge('bob/cursor/'), forge('bob/cursor/b0.txt'), forge('alice')]) {
      const response = await api.post(
        '/api/v1/list-objects',
        { prefix: 'cursor/', cursor: forged },
        alice,
      );
      expect(response.status).toBe(400);
      expect(response.json.error.code).toBe('invalid_request');
      expect(response.json.error.message).toMatch(/^cursor: .*another listing/);
    }
    // Bob's own cursor replayed by alice is refused the same way.
    const bobs = await api.post('/api/v1/list-objects', { prefix: 'cursor/', limit: 1 }, bob);
    const replay = await api.post(
      '/api/v1/list-objects',
      { prefix: 'cursor/', cursor: bobs.json.next_cursor ?? forge('bob/cursor/b1.txt') },
      alice,
    );
    expect([replay.status, replay.json.error.code]).toEqual([400, 'invalid_request']);
    const garbage = await api.post(
      '/api/v1/list-objects',
      { prefix: 'cursor/', cursor: 'not-a-cursor' },
      alice,
    );
    expect(garbage.status).toBe(400);
    expect(garbage.json.error.message).toMatch(/^cursor: /);

    const second = await api.post(
      '/api/v1/list-objects',
      { prefix: 'cursor/', limit: 1, cursor },
      alice,
    );
    expect(second.json.objects.map((o: { object_name: string }) => o.object_name)).toEqual([
      'cursor/a2.txt',
    ]);
  });
});
