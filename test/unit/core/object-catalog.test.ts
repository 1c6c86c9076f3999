import { DraftError } from '../../../lambdas/core/errors.js';
import { compareKeys, decodeCursor, encodeCursor } from '../../../lambdas/core/list-cursor.js';
import { ObjectCatalog } from '../../../lambdas/core/object-catalog.js';
import {
  checkUserMetadata,
  MAX_USER_METADATA_BYTES,
  publicMetadata,
} from '../../../lambdas/core/user-metadata.js';
import { FakeObjectStore } from '../../helpers/fake-object-store.js';

const buckets = { draft: 'drafts', main: 'uploads' };
const alice = { owner: 'alice' };

const failureOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof DraftError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('it did not fail');
};

describe('custom metadata rules', () => {
  it('accepts the full budget and refuses one byte more, naming the total', () => {
    const fits = { k: 'v'.repeat(MAX_USER_METADATA_BYTES - 1) };
    expect(checkUserMetadata(fits)).toEqual(fits);
    expect(failureOf(() => checkUserMetadata({ k: 'v'.repeat(MAX_USER_METADATA_BYTES) }))).toEqual({
      code: 'invalid_request',
      message: expect.stringMatching(/^metadata: .* at most 1984 bytes .*got 1985$/),
    });
  });

  it('refuses reserved, uppercase and over-long keys, and non-ASCII values, naming the key', () => {
    expect(failureOf(() => checkUserMetadata({ 'draftstore-x': 'v' })).message).toMatch(
      /^metadata\.draftstore-x: .*reserved/,
    );
    expect(failureOf(() => checkUserMetadata({ Key: 'v' })).message).toMatch(/^metadata\.Key: /);
    expect(failureOf(() => checkUserMetadata({ ['a'.repeat(65)]: 'v' })).message).toMatch(
      /at most 64 bytes/,
    );
    expect(failureOf(() => checkUserMetadata({ k: 'tab\there' })).message).toMatch(
      /^metadata\.k: values must be printable ASCII/,
    );
  });

  it('hides only DraftStore’s own keys from what a client sees', () => {
    expect(
      publicMetadata({ 'draftstore-confirmed-from': 'abc', album: 'x', 'draft-store': 'y' }),
    ).toEqual({ album: 'x', 'draft-store': 'y' });
  });
});

describe('list cursors', () => {
  it('round-trips inside the listing and refuses anything outside it', () => {
    const cursor = encodeCursor({ after: 'alice/docs/b.txt', rolledUp: false });
    expect(decodeCursor(cursor, 'alice/docs/')).toEqual({
      after: 'alice/docs/b.txt',
      rolledUp: false,
    });
    for (const listing of ['bob/docs/', 'alice/other/', 'alice/docs/b.txt']) {
      expect(failureOf(() => decodeCursor(cursor, listing))).toEqual({
        code: 'invalid_request',
        message: expect.stringMatching(/^cursor: it belongs to another listing/),
      });
    }
    expect(failureOf(() => decodeCursor('e30', 'alice/')).message).toBe(
      'cursor: not a cursor this API issued',
    );
  });

  it('orders keys by UTF-8 bytes, as S3 does, not by UTF-16 units', () => {
    // U+FF5E sorts before U+1F600 in UTF-8, after it in UTF-16.
    expect(compareKeys('\uff5e', '\u{1f600}')).toBeLessThan(0);
    expect('\uff5e' < '\u{1f600}').toBe(false);
  });
});

describe('ObjectCatalog on an in-memory store', () => {
  const setup = () => {
    const store = new FakeObjectStore([buckets.draft, buckets.main]);
    return { store, catalog: new ObjectCatalog({ store, buckets }) };
  };

  it('pages folder by folder without repeating a folder, one store request per page', async () => {
    const { store, catalog } = setup();
    for (const name of ['a.txt', 'b/1', 'b/2', 'c.txt', 'd/x/1']) {
      store.put(buckets.main, `alice/${name}`, 'x');
    }
    store.put(buckets.main, 'bob/a.txt', 'x');
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await catalog.list(alice, {
        delimiter: '/',
        limit: 1,
        ...(cursor && { cursor }),
      });
      seen.push(...page.objects.map((object) => object.objectName), ...page.prefixes);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(['a.txt', 'b/', 'c.txt', 'd/']);
    expect(store.count('listPage')).toBe(4);
  });

  it('refuses a limit outside 1..1000 and a prefix that starts with "/"', async () => {
    const { catalog } = setup();
    await expect(catalog.list(alice, { limit: 0 })).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/^limit: /),
    });
    await expect(catalog.list(alice, { prefix: '/x' })).rejects.toMatchObject({
      code: 'invalid_request',
      message: 'prefix: must not start with "/"',
    });
  });

  it.each(['../bob/keep.txt', 'a/./b', '/bob/keep.txt', 'a//b', ''])(
    'refuses to delete the name %j without asking the store',
    async (objectName) => {
      const { store, catalog } = setup();
      store.put(buckets.main, 'bob/keep.txt', 'x');

      await expect(catalog.delete(alice, { objectName, stage: 'main' })).rejects.toMatchObject({
        code: 'invalid_object_name',
      });
      expect(store.count('delete')).toBe(0);
      expect(store.get(buckets.main, 'bob/keep.txt')).toBeDefined();
    },
  );

  it('answers not_found for a missing object and deletes idempotently', async () => {
    const { store, catalog } = setup();
    await expect(catalog.info(alice, { objectName: 'none.txt' })).rejects.toMatchObject({
      code: 'not_found',
    });
    store.put(buckets.draft, 'alice/d.txt', 'x');
    await catalog.delete(alice, { objectName: 'd.txt', stage: 'draft' });
    await catalog.delete(alice, { objectName: 'd.txt', stage: 'draft' });
    expect(store.get(buckets.draft, 'alice/d.txt')).toBeUndefined();
  });
});
