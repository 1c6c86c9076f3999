import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCacheDirectory, fileResumeStore } from '../src/resume-store-file.js';

describe("the Node resume store (a file in the user's cache directory)", () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'draftstore-resume-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('keeps one private file per fingerprint and forgets it on delete', async () => {
    const store = fileResumeStore(folder);
    const record = { upload_id: 'u', upload_token: 't', part_size: 5, object_name: 'a.bin' };
    expect(await store.get('key')).toBeUndefined();
    await store.set('key', record);
    await store.set('other', { ...record, upload_id: 'v' });
    expect(await store.get('key')).toEqual(record);
    const files = await readdir(join(folder, 'uploads'));
    expect(files).toHaveLength(2);
    // Upload tokens are credentials: owner-only.
    expect((await stat(join(folder, 'uploads', files[0]!))).mode & 0o777).toBe(0o600);
    await store.delete('key');
    expect(await store.get('key')).toBeUndefined();
    expect(await store.get('other')).toMatchObject({ upload_id: 'v' });
  });

  it('keeps the part ETags saved before complete, and ignores a record whose ETags are malformed', async () => {
    const store = fileResumeStore(folder);
    const record = { upload_id: 'u', upload_token: 't', part_size: 5, object_name: 'a.bin' };
    await store.set('key', { ...record, parts: ['"e1"', '"e2"'] });
    expect(await store.get('key')).toEqual({ ...record, parts: ['"e1"', '"e2"'] });
    await store.set('key', { ...record, parts: [1, 2] as unknown as string[] });
    expect(await store.get('key')).toBeUndefined();
  });

  it('follows XDG_CACHE_HOME, and DRAFTSTORE_CACHE_DIR over it', () => {
    expect(defaultCacheDirectory({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/draftstore');
    expect(defaultCacheDirectory({ XDG_CACHE_HOME: '/x', DRAFTSTORE_CACHE_DIR: '/d' })).toBe('/d');
  });
});
